using Augur.CostModels.Operators;
using Augur.Units;

namespace Augur.CostModels.Inference;

/// <summary>
/// Wall time of one forward pass of one serving replica, by part. Communication is counted as exposed (no overlap
/// with compute is assumed).
/// </summary>
public readonly record struct IterationCost
{
    public IterationCost() { }

    /// <summary>All layers of all pipeline stages plus the LM head, by operator kind.</summary>
    public required LayerTime Compute { get; init; }
    /// <summary>Two all-reduces per layer.</summary>
    public required Seconds TensorParallel { get; init; }
    /// <summary>Dispatch + combine all-to-all per MoE layer.</summary>
    public required Seconds ExpertParallel { get; init; }
    /// <summary>Activation hops between stages.</summary>
    public required Seconds PipelineP2P { get; init; }
    /// <summary>Calibrated per-iteration serving overhead (scheduler, sampling, launch).</summary>
    public required Seconds Overhead { get; init; }
    /// <summary>GEMM-rate time of the pass's hardware FLOPs.</summary>
    public required Seconds FlopBound { get; init; }
    /// <summary>HBM time of the weights and KV cache the pass reads.</summary>
    public required Seconds ByteBound { get; init; }
    /// <summary>Weight bytes one GPU reads in the pass, as the layer cost returns them (LayerTime.WeightBytes: GEMM weights, untouched experts skipped, and norm vectors).</summary>
    public Bytes WeightBytes { get; init; } = Bytes.Zero;
    /// <summary>KV-cache bytes one GPU reads in the pass.</summary>
    public Bytes KvBytes { get; init; } = Bytes.Zero;
    /// <summary>Load of the busiest expert-parallel rank over the mean (1 without experts or EP).</summary>
    public double ExpertImbalance { get; init; } = 1;

    /// <summary>Hardware FLOPs of the GPU that sets the pass's pace: the busiest expert-parallel rank's share of the experts.</summary>
    public Flops HardwareFlops => Compute.HardwareFlops;

    public Seconds Total => Compute.Total + TensorParallel + ExpertParallel + PipelineP2P + Overhead;

    /// <summary>
    /// What limits the pass: compute when FLOP time exceeds byte time, else memory — unless one kind of
    /// communication is larger than both.
    /// </summary>
    public Bottleneck Bound
    {
        get
        {
            var name = FlopBound >= ByteBound ? Bottleneck.Compute : Bottleneck.Memory;
            var best = Seconds.Max(FlopBound, ByteBound);
            if (TensorParallel > best) { name = Bottleneck.TensorParallel; best = TensorParallel; }
            if (ExpertParallel > best) { name = Bottleneck.ExpertParallel; best = ExpertParallel; }
            if (PipelineP2P > best) name = Bottleneck.PipelineP2P;
            return name;
        }
    }
}
