using Augur.Domain.Hardware;
using Augur.Domain.Workloads;
using Augur.Units;

namespace Augur.CostModels.Compute;

/// <summary>
/// Achievable rates of one accelerator at one precision: spec-sheet peak × calibrated efficiency.
/// Precomputed once per estimate so the search loop does no lookups.
/// </summary>
public readonly struct DeviceRates
{
    /// <param name="kernel">FlashAttention-2 runs at the calibration's own rates for it (16-bit; it has no FP8 path) where measured.</param>
    /// <param name="engine">The serving engine's own measured kernels: its linear layers time this precision's GEMMs in
    /// place of the calibrated rate where they hold rows of it, its decode attention the decoding queries where the set
    /// stands for it and the cache is 16-bit; null = the calibration.</param>
    /// <param name="moe">The serving engine's own measured fused MoE layers, which time this precision's routed experts
    /// where they hold rows of it; null = the experts' GEMMs and passes on the roofline.</param>
    /// <param name="engineGemms">False keeps the calibrated GEMMs with the engine's decode attention (weights stored in another format than the GEMM's: another kernel).</param>
    public DeviceRates(Accelerator a, HardwareCalibration c, Precision p, Precision? attentionPrecision = null, AttentionKernel kernel = AttentionKernel.Flash,
        EngineLinear? engine = null, EngineMoe? moe = null, bool engineGemms = true)
    {
        var ap = attentionPrecision ?? p;
        Precision = p;
        Peak = a.Peak(p);
        Gemm = Peak * c.Gemm(p);
        Memory = a.HbmBandwidth * c.MemoryEfficiency;
        KernelOverhead = c.KernelOverhead;
        if (kernel == AttentionKernel.Flash2 && c.Flash2 is { } fa2)
        {
            Attention = a.Peak(Precision.BF16) * fa2.Efficiency;
            AttentionRowOverhead = fa2.RowOverheadTokens;
            AttentionBackwardRowOverhead = fa2.BackwardRowOverheadTokens;
        }
        else
        {
            Attention = a.Peak(ap) * c.Attention(ap);
            AttentionRowOverhead = c.AttentionRowOverheadTokens;
            AttentionBackwardRowOverhead = c.AttentionBackwardRowOverheadTokens;
        }
        LinearAttention = c.LinearAttention;
        Linear = engineGemms ? engine?.On(a, p) : null;
        DecodeAttention = engine?.DecodeOn(a, ap);
        PrefillAttention = engine?.PrefillOn(a);
        Moe = moe?.On(a, p);
    }

    public Precision Precision { get; }
    /// <summary>Dense peak at this precision.</summary>
    public FlopRate Peak { get; }
    /// <summary>Achievable large-GEMM rate.</summary>
    public FlopRate Gemm { get; }
    /// <summary>Achievable fused-attention rate.</summary>
    public FlopRate Attention { get; }
    /// <summary>Achievable HBM bandwidth.</summary>
    public Bandwidth Memory { get; }
    public Seconds KernelOverhead { get; }
    /// <summary>Fused-attention fixed work per query row, forward, in attended keys (<see cref="HardwareCalibration.AttentionRowOverheadTokens"/>).</summary>
    public double AttentionRowOverhead { get; }
    /// <summary>The same for the backward pass.</summary>
    public double AttentionBackwardRowOverhead { get; }
    /// <summary>The chunkwise linear-attention kernels' measured rate; null = they run at <see cref="Attention"/>.</summary>
    public LinearAttentionRate? LinearAttention { get; }
    /// <summary>The engine's (or, training, the part's) measured linear layers at this precision on this chip; null = GEMMs at <see cref="Gemm"/>.</summary>
    public MeasuredLinear? Linear { get; init; }
    /// <summary>The engine's measured fused MoE layers at this precision on this chip; null = the routed experts on the roofline.</summary>
    public MeasuredMoe? Moe { get; init; }
    /// <summary>The engine's measured decode attention on this chip; null = decoding queries at the fused-attention roofline.</summary>
    public MeasuredAttention? DecodeAttention { get; }
    /// <summary>The engine's measured prompt attention on this chip; null = prompt tokens at the fused-attention roofline.</summary>
    public MeasuredAttention? PrefillAttention { get; }
}

/// <summary>Roofline time of single operators: max(compute, memory) plus the fixed per-kernel time.</summary>
public static class Roofline
{
    /// <summary>
    /// An (m×k)·(k×n) GEMM: 2mnk FLOPs; reads both operands and writes the result.
    /// <paramref name="weightBytes"/> is the stored size of one element of the k×n weight operand
    /// (FP8/FP4 weights with scales), <paramref name="activationBytes"/> that of the activations.
    /// </summary>
    public static double GemmSeconds(in DeviceRates r, double m, double n, double k, double weightBytes, double activationBytes) =>
        GroupedGemmSeconds(r, 1, m, n, k, weightBytes, activationBytes);

    /// <summary>
    /// <paramref name="groups"/> independent GEMMs of one shape, each with its own weights, in one launch (batched experts).
    /// Where the serving engine's own linear layers were measured (<see cref="DeviceRates.Linear"/>), each group takes the
    /// measured layer's time at its shape (<see cref="EngineLinear"/>).
    /// </summary>
    public static double GroupedGemmSeconds(in DeviceRates r, double groups, double m, double n, double k, double weightBytes, double activationBytes)
    {
        double flops = groups * 2.0 * m * n * k;
        if (r.Linear is { } measured) return Sustained(r, flops, groups * measured.Seconds(m, n, k, weightBytes, activationBytes));
        double bytes = groups * (k * n * weightBytes + (m * k + m * n) * activationBytes);
        return Math.Max(flops / r.Gemm.PerSecond, bytes / r.Memory.BytesPerSecond) + r.KernelOverhead.Value;
    }

    /// <summary>
    /// A measured kernel's time held to what the chip sustains: no faster than its FLOPs at the calibrated large-GEMM rate.
    /// Kernel tables time a few CUDA-graph replays, tens of milliseconds, before the power cap pulls the clock down; a
    /// serving or training step runs for minutes at the cap (an H200 FP8 8192³ GEMM settles at 1,222 TFLOP/s and 1,335-1,350
    /// MHz within 0.1 s at 693 W, catalog/measurements/h200-2026-11-26 sustained.csv, while the aiconfigurator set's fused
    /// MoE layer times Mixtral's experts at 1,445 TFLOP/s on the same die). The calibrated GEMM efficiency stands for that
    /// sustained rate (Hopper: BF16 0.68 against 0.67-0.68 measured, FP8 0.64 against 0.61-0.62), so the floor adds no
    /// parameter. A memory-bound kernel keeps its measured time: the floor binds only where the table beat eff × peak.
    /// </summary>
    public static double Sustained(in DeviceRates r, double flops, double measuredSeconds) =>
        Math.Max(measuredSeconds, flops / r.Gemm.PerSecond);

    /// <summary>A memory-bound kernel moving <paramref name="bytes"/>.</summary>
    public static double StreamSeconds(in DeviceRates r, double bytes) =>
        bytes / r.Memory.BytesPerSecond + r.KernelOverhead.Value;

    /// <summary>
    /// Fused attention of queries attending <paramref name="context"/> keys on average: FLOPs at the attention rate,
    /// grown by the per-row fixed work (c + c₀)/c, or the K/V read when that is slower.
    /// </summary>
    public static double AttentionSeconds(in DeviceRates r, double flops, double bytes, double context)
    {
        double rows = context > 0 ? 1 + r.AttentionRowOverhead / context : 1;
        return Math.Max(flops * rows / r.Attention.PerSecond, bytes / r.Memory.BytesPerSecond) + r.KernelOverhead.Value;
    }

    /// <summary>
    /// A linear-attention layer's recurrence: the chunkwise tokens' FLOPs at the family's measured chunkwise-kernel rate for
    /// <paramref name="valueHeads"/> heads on the GPU (the fused-attention rate where none was measured), the decoding
    /// tokens' at the fused-attention rate, or the state and activation traffic when that is slower.
    /// </summary>
    public static double LinearAttentionSeconds(in DeviceRates r, double chunkwiseFlops, double recurrentFlops, double valueHeads, double bytes)
    {
        double compute = r.LinearAttention is { } rate
            ? chunkwiseFlops / rate.PerSecond(valueHeads) + recurrentFlops / r.Attention.PerSecond
            : (chunkwiseFlops + recurrentFlops) / r.Attention.PerSecond;
        return Math.Max(compute, bytes / r.Memory.BytesPerSecond) + r.KernelOverhead.Value;
    }

    /// <summary>
    /// Backward time of fused attention as a multiple of its forward time (training multiplies the whole forward
    /// attention time, which is compute-bound there): FlashAttention's 2.5× FLOPs (FA2 paper §3), with the backward
    /// pass's own per-row work in place of the forward's.
    /// </summary>
    public static double FlashBackwardFactor(in DeviceRates r, double context) =>
        FlashBackwardFlops * (context + r.AttentionBackwardRowOverhead) / (context + r.AttentionRowOverhead);

    /// <summary>FlashAttention backward does 2.5× the forward FLOPs (it recomputes the scores; FA2 paper §3).</summary>
    public const double FlashBackwardFlops = 2.5;
}
