using Augur.Units;

namespace Augur.Domain.Hardware;

/// <summary>
/// Kernel timings measured on one accelerator (catalog/measurements/&lt;id&gt;): the ground truth the operator-level
/// cost model (roofline GEMM, fused attention, streaming copies) is checked against.
/// </summary>
public sealed record KernelMeasurementSet
{
    public required string Id { get; init; }
    /// <summary>Catalog id of the accelerator measured.</summary>
    public required string AcceleratorId { get; init; }
    /// <summary>The card as its driver names it, with what matters (SMs, L2, power limit).</summary>
    public required string Device { get; init; }
    public required string MeasuredOn { get; init; }
    public required string Software { get; init; }
    /// <summary>Where the numbers come from ("measured on …, how").</summary>
    public required string Source { get; init; }
    public required string Method { get; init; }
    /// <summary>Kernel groups whose calibration parameters were fitted to this set (in-sample; the rest are out of sample).</summary>
    public IReadOnlyList<string> FittedGroups { get; init; } = [];
    /// <summary>
    /// Where the set's linear layers are what a serving engine runs (source.yaml <c>serves</c>): serving on an engine that
    /// names the set costs those layers from it on these accelerators; null = a kernel check only.
    /// </summary>
    public EngineLinearScope? Serves { get; init; }
    /// <summary>
    /// Where the set's linear layers time the GEMMs training runs (source.yaml <c>trains</c>): training on these
    /// accelerators costs each GEMM of these precisions at its shape from the set; null = not used by training.
    /// </summary>
    public TrainingGemmScope? Trains { get; init; }
    public required IReadOnlyList<GemmSample> Gemms { get; init; }
    public required IReadOnlyList<CopySample> Copies { get; init; }
    public required IReadOnlyList<AttentionSample> Attention { get; init; }
    public required IReadOnlyList<SustainedSample> Sustained { get; init; }
    /// <summary>The 16-bit causal prefill rows of <see cref="Attention"/>: whole prompts, nothing cached, queries and values of one width.</summary>
    public IEnumerable<AttentionSample> PrefillRows =>
        Attention.Where(s => s.Phase == AttentionPhase.Prefill && s.QueryTokens == s.KeyTokens && s.HeadDim == s.ValueDim && s.KvPrecision.BytesPerElement() == 2);

    /// <summary>The decode rows of <see cref="Attention"/>: one query per sequence against its cache, queries and values of one width.</summary>
    public IEnumerable<AttentionSample> DecodeRows =>
        Attention.Where(s => s.Phase == AttentionPhase.Decode && s.QueryTokens == 1 && s.HeadDim == s.ValueDim);
    /// <summary>Whole fused MoE layers (moe.csv; none when the set has no such table).</summary>
    public IReadOnlyList<MoeLayerSample> MoeLayers { get; init; } = [];
}

/// <summary>
/// Where a set's linear layers stand for a serving engine's own (the engines that run them name the set in
/// catalog/frameworks, <c>linear_kernels</c>): the accelerators on the measured one's die, and the precisions whose rows
/// are the kernel those engines run (a row with another activation scaling is not); <paramref name="Why"/> says why.
/// </summary>
public sealed record EngineLinearScope(IReadOnlyList<string> Accelerators, IReadOnlyList<Precision> Precisions, string Why)
{
    public bool Covers(string accelerator) => Accelerators.Contains(accelerator, StringComparer.OrdinalIgnoreCase);

    /// <summary>Where the set's fused MoE layers (moe.csv) are what the same engines run on those accelerators; null = a kernel check only.</summary>
    public EngineMoeScope? Moe { get; init; }

    /// <summary>The set's decode attention rows (attention.csv, each with its KV cache precision) are the engine's own decode attention too.</summary>
    public bool DecodeAttention { get; init; }

    /// <summary>The set's 16-bit prefill rows (attention.csv, phase prefill) are the engine's own prompt attention too.</summary>
    public bool PrefillAttention { get; init; }
}

/// <summary>
/// The fused MoE layers of a set that stand for the engine's own (source.yaml <c>serves.moe</c>): the kernel path the
/// engine runs by default and the precisions whose rows are the layer it serves; <paramref name="Why"/> says why.
/// <paramref name="IncludesRouting"/>: whether a row's time holds the router's softmax and top-k over the scores
/// (TensorRT-LLM's create_moe does; vLLM's fused_experts is handed the chosen experts and does not).
/// </summary>
public sealed record EngineMoeScope(string Path, IReadOnlyList<Precision> Precisions, bool IncludesRouting, string Why);

/// <summary>
/// Where a set's plain linear rows stand for the GEMMs training runs (cuBLAS under Transformer Engine or PyTorch): the
/// accelerators on the measured one's die and the precisions whose rows are that kernel. <paramref name="InputQuantize"/>
/// is what each precision's row also timed besides the GEMM (a serving Linear quantizes its 16-bit input inside the
/// call), which training costs on its own (its quantize kernels) and so takes out; <paramref name="Why"/> says why.
/// </summary>
public sealed record TrainingGemmScope(IReadOnlyList<string> Accelerators, IReadOnlyList<Precision> Precisions,
    IReadOnlyDictionary<Precision, RowQuantize> InputQuantize, string Why)
{
    public bool Covers(string accelerator) => Accelerators.Contains(accelerator, StringComparer.OrdinalIgnoreCase);
}

/// <summary>
/// The input quantization a measured linear row holds: memory traffic per element of its 16-bit m×k input and the
/// kernels it launches (an FP8 per-tensor dynamic quantize: an amax pass reading 2 B, then a cast reading 2 B and
/// writing 1 B, two kernels).
/// </summary>
public sealed record RowQuantize(double BytesPerElement, int Kernels);

/// <summary>The measured linear rows training takes its GEMMs from, with the accelerator they were measured on.</summary>
public sealed record TrainingGemmKernels(KernelMeasurementSet Set, Accelerator MeasuredOn);

/// <summary>
/// A serving engine's own measured linear layers (<paramref name="Set"/>, whose <see cref="KernelMeasurementSet.Serves"/>
/// covers the engine and the accelerator served on), with the accelerator they were measured on.
/// </summary>
public sealed record EngineLinearKernels(KernelMeasurementSet Set, Accelerator MeasuredOn);

/// <summary>
/// One (m×k)·(k×n) GEMM, or <paramref name="Groups"/> independent ones of that shape in one batched launch
/// (MoE experts). <paramref name="Label"/> says which layer the shape stands for.
/// </summary>
public sealed record GemmSample(Precision Precision, int Groups, double M, double N, double K, string Label, Seconds Measured);

/// <summary>
/// One fused MoE layer forward as a serving engine runs it on <paramref name="Tokens"/> tokens whose router logits are
/// given: routing (top-k), permutation, input quantization, the grouped gated expert GEMMs and, unless the path skips
/// it, the finalize (unpermute and weighted sum). <paramref name="Tp"/> splits each expert's FFN, <paramref name="Ep"/>
/// the experts; the timed rank holds experts / ep of them. <paramref name="Path"/> names the kernel family (cutlass,
/// min-latency); <paramref name="Label"/> the model whose shape it is.
/// </summary>
public sealed record MoeLayerSample(Precision Precision, string Path, double Tokens, int Hidden, int ExpertFfn, int Experts, int TopK, int Tp, int Ep,
    string Label, Seconds Measured);

/// <summary>A device-to-device copy of <paramref name="Size"/> (read once, written once).</summary>
public sealed record CopySample(Bytes Size, bool Graphed, Seconds Measured);

/// <summary>What an attention row measured.</summary>
public enum AttentionPhase
{
    /// <summary>Causal prefill: query length = key length, each query attends the keys up to its own.</summary>
    Prefill,

    /// <summary>A chunk of queries attending every key with no mask: the work of a prefill over a cached prefix.</summary>
    Chunk,

    /// <summary>One query per sequence against its KV cache.</summary>
    Decode,
}

/// <summary>
/// Scaled-dot-product attention in one <paramref name="Phase"/>; <paramref name="Backend"/> is the kernel family that ran
/// it. <paramref name="HeadDim"/> is the query/key width, <paramref name="ValueDim"/> the value width (MLA prefill: 192 and
/// 128). Backward time is measured for causal prefill only.
/// </summary>
public sealed record AttentionSample(
    AttentionPhase Phase, string Backend, double Batch, double Heads, double KvHeads, double QueryTokens, double KeyTokens, double HeadDim,
    double ValueDim, Seconds Forward, Seconds? ForwardBackward)
{
    /// <summary>The format the cached K and V are stored in (attention.csv <c>kv_precision</c>; 16-bit where the table has no such column).</summary>
    public Precision KvPrecision { get; init; } = Precision.BF16;
}

/// <summary>A window of back-to-back large GEMMs: achieved rate with the board power and SM clock it ran at.</summary>
public sealed record SustainedSample(Precision Precision, Seconds Elapsed, FlopRate Rate, Watts Power, double SmClockMhz);
