using Augur.Units;

namespace Augur.CostModels.Memory;

/// <summary>Memory one GPU holds at its peak, by kind (the most loaded pipeline stage).</summary>
public readonly record struct MemoryBreakdown(
    Bytes Weights, Bytes Gradients, Bytes Optimizer, Bytes Activations, Bytes Logits, Bytes KvCache, Bytes Runtime)
{
    public Bytes Total => Weights + Gradients + Optimizer + Activations + Logits + KvCache + Runtime;

    /// <summary>The parts in a fixed order with stable names (used by reports and charts).</summary>
    public IEnumerable<(string Name, Bytes Size)> Parts()
    {
        yield return ("weights", Weights);
        yield return ("gradients", Gradients);
        yield return ("optimizer", Optimizer);
        yield return ("activations", Activations);
        yield return ("logits", Logits);
        yield return ("kv_cache", KvCache);
        yield return ("runtime", Runtime);
    }
}
