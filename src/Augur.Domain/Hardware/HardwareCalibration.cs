using Augur.Domain.Hardware;
using Augur.Units;

namespace Augur.Domain.Hardware;

/// <summary>Achievable fraction of a network tier's per-GPU bandwidth, and its per-hop latency.</summary>
/// <param name="BusBandwidthEfficiency">Achieved bus bandwidth of large collectives / line rate (nccl-tests busBw).</param>
/// <param name="Latency">Base latency per algorithm step (α in the ring/tree formulas).</param>
public sealed record TierCalibration(double BusBandwidthEfficiency, Seconds Latency);

/// <summary>One fused-attention kernel's achieved fraction of the 16-bit dense peak and its per-query-row work (forward, backward), in attended keys.</summary>
public sealed record FusedAttentionRates(double Efficiency, double RowOverheadTokens, double BackwardRowOverheadTokens);

/// <summary>
/// The few physical parameters Augur keeps per hardware family. They are properties of the chip and its
/// software stack (never of a validation case): a chip Augur was never calibrated on uses its family's
/// values (or the generic family) with its own spec-sheet peaks.
/// </summary>
public sealed record HardwareCalibration
{
    public required string Family { get; init; }
    /// <summary>Large-GEMM achieved throughput / dense peak, per <see cref="Precision"/> (index = enum value).</summary>
    public required double[] GemmEfficiency { get; init; }
    /// <summary>Fused attention (FlashAttention-class) achieved throughput / dense peak, per precision.</summary>
    public required double[] AttentionEfficiency { get; init; }
    /// <summary>
    /// Fixed work of fused attention per query row, in attended keys: the forward pass of a query attending c keys
    /// costs as if it attended c + this many (Q load, softmax epilogue, output store, the masked half of diagonal
    /// tiles). Short prompts therefore run attention below <see cref="AttentionEfficiency"/>. 0 where not measured.
    /// </summary>
    public double AttentionRowOverheadTokens { get; init; }
    /// <summary>The same for the backward pass (FlashAttention backward: dQ accumulation, recomputed softmax).</summary>
    public double AttentionBackwardRowOverheadTokens { get; init; }
    /// <summary>
    /// FlashAttention-2's own measured rates (16-bit), for training that runs it rather than the family's best fused
    /// kernel; null where not measured, and then it runs at the fused values above.
    /// </summary>
    public FusedAttentionRates? Flash2 { get; init; }
    /// <summary>
    /// The chunkwise Gated DeltaNet kernels' measured rate (flash-linear-attention's chunk_gated_delta_rule, the kernel
    /// the training and serving engines call for prefill and training tokens); null where not measured, and then they run
    /// at the fused-attention rate.
    /// </summary>
    public LinearAttentionRate? LinearAttention { get; init; }
    /// <summary>Achieved / peak HBM bandwidth for streaming kernels (elementwise, weight reads in decode).</summary>
    public required double MemoryEfficiency { get; init; }
    /// <summary>Fixed cost of launching one kernel (GPU idle between dependent kernels).</summary>
    public required Seconds KernelOverhead { get; init; }
    public required TierCalibration ScaleUp { get; init; }
    public required TierCalibration ScaleOut { get; init; }
    /// <summary>
    /// Fixed time of one call of the serving engines' own all-reduce inside a scale-up domain (vLLM and SGLang custom
    /// all-reduce, TensorRT-LLM's one-shot and two-shot, aiter's on ROCm): each GPU reads its peers' buffers directly over
    /// the links in one kernel, with one barrier per stage, instead of NCCL's log2(p) or p − 1 protocol steps. Null where not
    /// measured (then serving pays the collective library's all-reduce).
    /// </summary>
    public Seconds? PeerAllReduceLatency { get; init; }
    /// <summary>Bus-bandwidth gain of in-network reduction (NVLS) over a ring all-reduce inside the domain.</summary>
    public required double InNetworkReductionGain { get; init; }
    /// <summary>Memory the runtime holds outside the model: CUDA context, communicator buffers, workspace.</summary>
    public required Bytes RuntimeReserve { get; init; }
    /// <summary>Allocator fragmentation as a fraction of activation memory.</summary>
    public required double Fragmentation { get; init; }
    /// <summary>Fixed time per serving iteration outside kernels (scheduler, sampling, launch) with CUDA graphs.</summary>
    public required Seconds ServingIterationOverhead { get; init; }
    /// <summary>Host time eager training spends issuing each layer's work; null where not measured (then not modelled).</summary>
    public HostIssue? Host { get; init; }
    /// <summary>
    /// Training on this family runs each step as one compiled program with static shapes (XLA on TPU): the host neither
    /// issues each module's work nor waits for data-dependent sizes, so no MoE dispatcher syncs with it and no host issue is paid.
    /// </summary>
    public bool CompiledStep { get; init; }
    /// <summary>
    /// SMs a collective library's kernel holds for as long as a collective runs (NCCL: one block per channel, none shared
    /// with compute), taken from the compute a data-parallel collective overlaps; 0 where not known (then nothing is taken).
    /// </summary>
    public int CollectiveSms { get; init; }
    /// <summary>The catalog measurement sets whose rows may time this family's training GEMMs (<c>training_gemms</c>), each saying which parts in its <c>trains</c>.</summary>
    public IReadOnlyList<string> TrainingGemmSets { get; init; } = [];
    /// <summary>
    /// The part's GEMMs as measured at their shapes for training (the first of <see cref="TrainingGemmSets"/> whose
    /// <c>trains</c> covers the part), read when training first asks; null, or null inside, = every training GEMM at
    /// <see cref="GemmEfficiency"/>.
    /// </summary>
    public Lazy<TrainingGemmKernels?>? TrainingGemms { get; init; }
    public required IReadOnlyList<string> Sources { get; init; }
    public string Notes { get; init; } = "";

    public double Gemm(Precision p) => GemmEfficiency[(int)p];

    /// <summary>This calibration with the part's own measured GEMM fractions where it has them.</summary>
    public HardwareCalibration ForPart(Accelerator a) => a.GemmEfficiency is not { } own ? this
        : this with { GemmEfficiency = [.. GemmEfficiency.Select((family, i) => own[i] > 0 ? own[i] : family)] };
    public double Attention(Precision p) => AttentionEfficiency[(int)p];
}

/// <summary>
/// A chunkwise linear-attention kernel's rate on one GPU: <see cref="PeakTflops"/> × h / (h + <see cref="HalfHeads"/>)
/// for h value heads on the GPU. Its state recurrence runs chunk after chunk within a head, so only the heads (and the
/// value tiles of each) run in parallel: few heads leave the chip idle, many approach the peak. FLOPs as Augur counts
/// them (LinearAttentionCost.ChunkwiseFlopsPerToken).
/// </summary>
public sealed record LinearAttentionRate(double PeakTflops, double HalfHeads)
{
    /// <summary>FLOP/s with <paramref name="valueHeads"/> value heads on the GPU.</summary>
    public double PerSecond(double valueHeads) => PeakTflops * 1e12 * valueHeads / (valueHeads + HalfHeads);
}
