using Augur.CostModels.Operators;

namespace Augur.CostModels.Inference;

/// <summary>
/// Wall time of one forward pass of one serving replica (seconds), by part. Communication is counted as exposed
/// (no overlap with compute is assumed).
/// </summary>
public readonly record struct IterationCost
{
    public IterationCost() { }

    /// <summary>All layers of all pipeline stages plus the LM head, by operator kind.</summary>
    public required LayerTime Compute { get; init; }
    /// <summary>Two all-reduces per layer.</summary>
    public required double TensorParallel { get; init; }
    /// <summary>Dispatch + combine all-to-all per MoE layer.</summary>
    public required double ExpertParallel { get; init; }
    /// <summary>Activation hops between stages.</summary>
    public required double PipelineP2P { get; init; }
    /// <summary>Calibrated per-iteration serving overhead (scheduler, sampling, launch).</summary>
    public required double Overhead { get; init; }
    /// <summary>GEMM-rate time of the pass's hardware FLOPs.</summary>
    public required double FlopSeconds { get; init; }
    /// <summary>HBM time of the weights and KV cache the pass reads.</summary>
    public required double ByteSeconds { get; init; }
    /// <summary>Weight bytes one GPU reads in the pass, as the layer cost returns them (LayerTime.WeightBytes: GEMM weights, untouched experts skipped, and norm vectors).</summary>
    public double WeightBytes { get; init; } = 0;
    /// <summary>KV-cache bytes one GPU reads in the pass.</summary>
    public double KvBytes { get; init; } = 0;
    /// <summary>Load of the busiest expert-parallel rank over the mean (1 without experts or EP).</summary>
    public double ExpertImbalance { get; init; } = 1;

    /// <summary>Hardware FLOPs of the GPU that sets the pass's pace: the busiest expert-parallel rank's share of the experts.</summary>
    public double Flops => Compute.HardwareFlops.Value;

    public double Total => Compute.Total.Value + TensorParallel + ExpertParallel + PipelineP2P + Overhead;

    /// <summary>
    /// What limits the pass: compute when FLOP time exceeds byte time, else memory — unless one kind of
    /// communication is larger than both.
    /// </summary>
    public Bottleneck Bound
    {
        get
        {
            var name = FlopSeconds >= ByteSeconds ? Bottleneck.Compute : Bottleneck.Memory;
            double best = Math.Max(FlopSeconds, ByteSeconds);
            if (TensorParallel > best) { name = Bottleneck.TensorParallel; best = TensorParallel; }
            if (ExpertParallel > best) { name = Bottleneck.ExpertParallel; best = ExpertParallel; }
            if (PipelineP2P > best) name = Bottleneck.PipelineP2P;
            return name;
        }
    }
}
