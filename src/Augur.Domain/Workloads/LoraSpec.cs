using Augur.Domain.Models;

namespace Augur.Domain.Workloads;

/// <summary>The linear layers LoRA adapts, by their Megatron-core names (linear_qkv, linear_proj, linear_fc1, linear_fc2).</summary>
[Flags]
public enum LoraTargets
{
    None = 0,
    Qkv = 1,
    Proj = 2,
    Fc1 = 4,
    Fc2 = 8,
    Attention = Qkv | Proj,
    All = Qkv | Proj | Fc1 | Fc2,
}

/// <summary>
/// Low-rank adaptation (Hu et al. 2021, arXiv 2106.09685): the base weights stay frozen and each targeted linear layer
/// W (d_in × d_out) gains a trainable pair A (d_in × r) and B (r × d_out) whose product is added to its output. Only
/// the adapters have gradients and optimizer state; the backward computes the frozen layers' input gradients but
/// none of their weight gradients. Defaults are Megatron-Bridge's LoRA (rank 32 on linear_qkv, linear_proj,
/// linear_fc1 and linear_fc2: src/megatron/bridge/peft/lora.py @ 067f987d).
/// </summary>
public sealed record LoraSpec
{
    public const int DefaultRank = 32;

    public int Rank { get; init; } = DefaultRank;
    public LoraTargets Targets { get; init; } = LoraTargets.All;
    /// <summary>The frozen base weights are held in FP8, one copy (NeMo's fp8_params with the transpose cache off), not in 16 bits.</summary>
    public bool Fp8BaseWeights { get; init; }

    /// <summary>
    /// The (d_in, d_out) of each targeted linear layer of one dense layer, whole (before tensor parallelism), and whether
    /// tensor parallelism splits its output (column-parallel: qkv, fc1) or its input (row-parallel: proj, fc2).
    /// </summary>
    public IEnumerable<(double In, double Out, bool ColumnParallel)> TargetShapes(ModelSpec m)
    {
        double q = (double)m.Heads * m.HeadDim, qkv = q + 2.0 * m.KvHeads * m.HeadDim;
        if ((Targets & LoraTargets.Qkv) != 0) yield return (m.Hidden, qkv, true);
        if ((Targets & LoraTargets.Proj) != 0) yield return (q, m.Hidden, false);
        if ((Targets & LoraTargets.Fc1) != 0) yield return (m.Hidden, (m.GatedMlp ? 2.0 : 1.0) * m.Ffn, true);
        if ((Targets & LoraTargets.Fc2) != 0) yield return (m.Ffn, m.Hidden, false);
    }

    /// <summary>The targets' names in scenario files and output (Megatron-core's linear_qkv ... without the prefix).</summary>
    static readonly FlagNames<LoraTargets> Names =
        new((LoraTargets.Qkv, "qkv"), (LoraTargets.Proj, "proj"), (LoraTargets.Fc1, "fc1"), (LoraTargets.Fc2, "fc2"));

    /// <summary>Every target name a scenario may list.</summary>
    public static IEnumerable<string> TargetNames => Names.Names;

    /// <summary>The target of a name, with or without Megatron-core's <c>linear_</c> prefix; null when it names none.</summary>
    public static LoraTargets? Target(string name) =>
        Names.Flag(name.StartsWith("linear_", StringComparison.Ordinal) ? name["linear_".Length..] : name);

    /// <summary>The names of this spec's targets, in layer order.</summary>
    public IEnumerable<string> TargetList => Names.Of(Targets);

    /// <summary>Adapter parameters of one layer: r·(d_in + d_out) for each targeted linear layer.</summary>
    public double ParametersPerLayer(ModelSpec m) => TargetShapes(m).Sum(t => Rank * (t.In + t.Out));
}
