using Augur.Domain.Frameworks;
using Augur.Domain.Hardware;

namespace Augur.Domain.Workloads;

public enum ServingMode { Aggregated, Disaggregated }

/// <summary>A serving workload: request shape, precision of the KV cache, and the latency targets.</summary>
public sealed record InferenceJob
{
    /// <summary>How tokens spread over experts (MoE models).</summary>
    public ExpertRoutingMode Routing { get; init; } = ExpertRoutingMode.Random;

    /// <summary>Prompt tokens per request (the mean when <see cref="InputTokensCv"/> is set).</summary>
    public required int InputTokens { get; init; }
    /// <summary>Output tokens per request (the mean when <see cref="OutputTokensCv"/> is set).</summary>
    public required int OutputTokens { get; init; }
    /// <summary>Coefficient of variation of prompt lengths (standard deviation / mean); 0 = every prompt the same length.</summary>
    public double InputTokensCv { get; init; }
    /// <summary>Coefficient of variation of output lengths; 0 = every output the same length.</summary>
    public double OutputTokensCv { get; init; }
    /// <summary>Concurrent sequences per replica; null = max-throughput mode (the largest batch that fits).</summary>
    public int? Concurrency { get; init; }
    public Precision KvPrecision { get; init; } = Precision.BF16;
    /// <summary>
    /// Precision of the routed experts' weights and GEMMs when it differs from the scenario's (an NVFP4 MoE checkpoint
    /// keeps attention and dense layers in FP8); null = the scenario's precision.
    /// </summary>
    public Precision? ExpertPrecision { get; init; }
    /// <summary>
    /// Weight-only quantization: how the layers' weights (routed experts included) are stored when narrower than the GEMM
    /// precision that multiplies them (INT4 AWQ with BF16 activations); null = stored in the GEMM precision.
    /// </summary>
    public WeightFormat? WeightFormat { get; init; }
    /// <summary>The same for the routed experts alone (gpt-oss: MXFP4 experts, BF16 attention); null = as the other weights.</summary>
    public WeightFormat? ExpertWeightFormat { get; init; }
    /// <summary>Precision the routed experts' GEMMs run at, given the scenario's.</summary>
    public Precision ExpertGemm(Precision gemm) => ExpertPrecision ?? gemm;

    /// <summary>How attention, dense and shared-expert weights are stored: <see cref="WeightFormat"/>, else in the GEMM precision.</summary>
    public WeightFormat LayerWeights(Precision gemm) => WeightFormat ?? Hardware.WeightFormat.Of(gemm);

    /// <summary>How the routed experts are stored: their own format, else expert_precision's, else as the other layers.</summary>
    public WeightFormat ExpertWeights(Precision gemm) =>
        ExpertWeightFormat ?? (ExpertPrecision is { } ep ? Hardware.WeightFormat.Of(ep) : LayerWeights(gemm));

    /// <summary>Fraction of prompt tokens served from the prefix cache (their prefill is skipped).</summary>
    public double PrefixHitRate { get; init; }
    public ServingMode Mode { get; init; } = ServingMode.Aggregated;
    /// <summary>
    /// True when the scenario names the mode; <c>plan</c> then keeps it, otherwise it searches aggregated and
    /// disaggregated (<c>estimate</c> always uses <see cref="Mode"/>).
    /// </summary>
    public bool ModeFixed { get; init; }
    public int? PrefillGpus { get; init; }
    public int? DecodeGpus { get; init; }
    /// <summary>Time-to-first-token limit (SLO mode), seconds.</summary>
    public double? TtftLimit { get; init; }
    /// <summary>Time-per-output-token limit (SLO mode), seconds.</summary>
    public double? TpotLimit { get; init; }
    /// <summary>
    /// Percentile over requests (0-100, exclusive) that <see cref="TpotLimit"/> bounds, as MLPerf's Server scenario bounds
    /// the 99th; null bounds the mean time per output token.
    /// </summary>
    public double? SloPercentile { get; init; }
    /// <summary>vLLM's default gpu_memory_utilization.</summary>
    public const double DefaultMemoryFraction = 0.9;
    /// <summary>Fraction of HBM the engine may use for weights, activations and KV cache (vLLM gpu_memory_utilization).</summary>
    public double MemoryFraction { get; init; } = DefaultMemoryFraction;
    /// <summary>Speculative decoding: draft tokens per step (0 = off).</summary>
    public int DraftTokens { get; init; }
    /// <summary>Speculative decoding: per-token acceptance rate α.</summary>
    public double Acceptance { get; init; }
    /// <summary>
    /// The serving engine's scheduler limits on this accelerator (inference.engine, vllm by default): its batch cap and
    /// per-iteration token budget.
    /// </summary>
    public ServingLimits Limits { get; init; } = ServingLimits.Default;
    /// <summary>
    /// The engine's own linear layers measured on this accelerator's die, which serving costs its linear layers from;
    /// null = the calibration's GEMM efficiency (no table for this engine and die).
    /// </summary>
    public EngineLinearKernels? EngineLinear { get; init; }
    /// <summary>
    /// Whether the engine replays each step as a captured CUDA graph (every engine's default); false = eager (vLLM
    /// --enforce-eager, SGLang --disable-cuda-graph): the host issues each layer's kernels, and a step takes at least
    /// that long (<see cref="ServingLimits.EagerHostPerLayer"/>).
    /// </summary>
    public bool CudaGraphs { get; init; } = true;
    /// <summary>How the engine samples each next token (the sampler's passes over the vocabulary); greedy by default.</summary>
    public SamplingMode Sampling { get; init; } = SamplingMode.Greedy;
    /// <summary>
    /// An offline benchmark's request count (trtllm-bench throughput's dataset, bench_serving's --num-prompts at an
    /// infinite rate): this many requests queued at once. <c>estimate</c> and <c>validate</c> then give the throughput of
    /// serving them, from the request-level simulator's makespan, which pays the ramp to a full batch and the tail the
    /// steady state leaves out; null = steady state only.
    /// </summary>
    public int? Requests { get; init; }
    /// <summary>Optional output tokens per second the deployment must serve; <c>plan</c> sizes the GPU count for it.</summary>
    public double? TargetOutputTokensPerSecond { get; init; }
}
