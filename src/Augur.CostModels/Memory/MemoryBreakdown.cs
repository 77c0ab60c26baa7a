using Augur.Units;

namespace Augur.CostModels.Memory;

/// <summary>Memory one GPU holds at its peak, by kind (the most loaded pipeline stage).</summary>
public readonly record struct MemoryBreakdown(
    Bytes Weights, Bytes Gradients, Bytes Optimizer, Bytes Activations, Bytes Logits, Bytes KvCache, Bytes Runtime)
{
    public Bytes Total => Weights + Gradients + Optimizer + Activations + Logits + KvCache + Runtime;
}
