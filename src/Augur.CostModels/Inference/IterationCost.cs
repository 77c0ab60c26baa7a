using Augur.CostModels.Operators;

namespace Augur.CostModels.Inference;

/// <summary>
/// Wall time of one forward pass of one serving replica (seconds), by part. Communication is counted as exposed
/// (no overlap with compute is assumed).
/// </summary>
/// <param name="Compute">All layers of all pipeline stages plus the LM head, by operator kind.</param>
/// <param name="TensorParallel">Two all-reduces per layer.</param>
/// <param name="ExpertParallel">Dispatch + combine all-to-all per MoE layer.</param>
/// <param name="PipelineP2P">Activation hops between stages.</param>
/// <param name="Overhead">Calibrated per-iteration serving overhead (scheduler, sampling, launch).</param>
/// <param name="FlopSeconds">GEMM-rate time of the pass's hardware FLOPs.</param>
/// <param name="ByteSeconds">HBM time of the weights and KV cache the pass reads.</param>
/// <param name="WeightBytes">Weight bytes one GPU reads in the pass, as the layer cost returns them (LayerTime.WeightBytes: GEMM weights, untouched experts skipped, and norm vectors).</param>
/// <param name="KvBytes">KV-cache bytes one GPU reads in the pass.</param>
/// <param name="ExpertImbalance">Load of the busiest expert-parallel rank over the mean (1 without experts or EP).</param>
public readonly record struct IterationCost(
    LayerTime Compute, double TensorParallel, double ExpertParallel, double PipelineP2P, double Overhead,
    double FlopSeconds, double ByteSeconds, double WeightBytes = 0, double KvBytes = 0, double ExpertImbalance = 1)
{
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
