using Augur.Domain.Hardware;
using Augur.Units;

namespace Augur.Domain.Frameworks;

/// <summary>
/// The scheduler limits a serving engine applies to one attention group (one engine instance, or one attention-DP rank)
/// when the user sets none: the most sequences it runs at once and the tokens one iteration schedules.
/// </summary>
/// <param name="Engine">The engine's id (vllm, trtllm, trtllm-bench, sglang).</param>
/// <param name="MaxBatch">Most concurrent sequences per attention group; null = only the KV cache limits it.</param>
/// <param name="TokenBudget">Prompt tokens one iteration of one attention group may prefill (the engine's chunk or
/// max_num_tokens).</param>
/// <param name="BenchTuning">trtllm-bench's own sizing, which replaces both numbers from the request shape and the KV
/// cache; null for a fixed engine.</param>
public sealed record ServingLimits(string Engine, int? MaxBatch, int TokenBudget, BenchTuning? BenchTuning = null)
{
    /// <summary>
    /// Host time per scheduled sequence of one iteration of one attention group, on an x86 host, beside the calibrated
    /// per-iteration overhead: an engine whose scheduler runs between GPU steps (vLLM V1 without async scheduling)
    /// walks every request of the batch in Python while the GPU idles; an overlap-scheduled one (TensorRT-LLM) does the
    /// same work while the GPU runs (<see cref="HostOverlapsGpu"/>). Zero where no measurement is catalogued.
    /// </summary>
    public Seconds HostPerSequence { get; init; } = Seconds.Zero;

    /// <summary>
    /// Whether the engine prepares the next iteration on the host while the GPU runs this one (TensorRT-LLM's overlap
    /// scheduler): its host time then costs only what exceeds the GPU's; a synchronous engine (vLLM V1) pays all of it.
    /// </summary>
    public bool HostOverlapsGpu { get; init; }

    /// <summary>
    /// Host time to issue one decoder layer's forward in eager mode (no CUDA graph: vLLM --enforce-eager, SGLang
    /// --disable-cuda-graph), on an x86 host: every kernel of the step is launched from Python, and the GPU runs a layer only
    /// once the host has issued it. Zero where no measurement is catalogued (such an engine cannot be costed eager).
    /// </summary>
    public Seconds EagerHostPerLayer { get; init; } = Seconds.Zero;

    /// <summary>
    /// The same for a decoder layer with multi-head latent attention (DeepSeek-V2 and V3, their MoE MLP in all but the first
    /// layers), which issues several times a dense layer's kernels; zero = <see cref="EagerHostPerLayer"/> stands for it.
    /// </summary>
    public Seconds EagerHostPerMlaLayer { get; init; } = Seconds.Zero;

    /// <summary>
    /// Whether an iteration that prefills prompts also decodes the running sequences (vLLM V1's one token budget,
    /// TensorRT-LLM's in-flight batching). False: a prefill iteration runs alone and every running sequence waits for it
    /// (SGLang without --enable-mixed-chunk, vLLM V0 without chunked prefill), so each prefill re-reads the weights.
    /// </summary>
    public bool MixedPrefill { get; init; } = true;

    /// <summary>How the engine splits memory between linear-attention state and KV cache; null = one shared pool, one state per sequence.</summary>
    public LinearStatePool? StatePool { get; init; }

    /// <summary>
    /// `vllm serve` on a GPU of 70 GiB or more other than A100: max_num_seqs 1024, max_num_batched_tokens 8192
    /// (vllm-project/vllm @ 99d7eb5d vllm/engine/arg_utils.py, EngineArgs._set_default_args), with its synchronous
    /// scheduler's host time (catalog/frameworks/vllm.yaml). What a job built in code, without a catalog, runs with (an
    /// RL rollout among them: NeMo-RL and verl generate with vLLM); the catalog's vllm entry gives the same for such a
    /// GPU (a test holds them equal).
    /// </summary>
    public static readonly ServingLimits Default = new("vllm", 1024, 8192) { HostPerSequence = Seconds.FromMicroseconds(VllmHostMicrosecondsPerSequence), EagerHostPerLayer = Seconds.FromMicroseconds(EagerHostMicrosecondsPerLayer),
        EagerHostPerMlaLayer = Seconds.FromMicroseconds(EagerHostMicrosecondsPerMlaLayer) };

    /// <summary>vLLM V1's synchronous host time per scheduled sequence, µs (source in catalog/frameworks/vllm.yaml).</summary>
    const double VllmHostMicrosecondsPerSequence = 19.5;

    /// <summary>Eager decode's host time per decoder layer, µs (source in catalog/frameworks/vllm.yaml).</summary>
    const double EagerHostMicrosecondsPerLayer = 226;

    /// <summary>The same for a layer with latent attention, µs (source in catalog/frameworks/vllm.yaml).</summary>
    const double EagerHostMicrosecondsPerMlaLayer = 884;
}

/// <summary>
/// An engine that keeps linear-attention (Gated DeltaNet) state in a pool of its own beside the KV cache, as SGLang does:
/// of the memory left for both, <c>ratio / (1 + ratio)</c> holds state slots and the rest KV, and each running request
/// holds <paramref name="SlotsPerRequest"/> slots (its live state plus the copies the prefix cache keeps).
/// </summary>
/// <param name="SlotsPerRequest">State slots one running request holds.</param>
/// <param name="StateToKvRatio">State pool ÷ KV pool (SGLang's mamba_full_memory_ratio).</param>
public sealed record LinearStatePool(int SlotsPerRequest, double StateToKvRatio)
{
    /// <summary>Share of the memory left for state and KV that the state pool takes.</summary>
    public double StateShare => StateToKvRatio / (1 + StateToKvRatio);

    /// <summary>Requests the two pools hold together: the fewer of what the state pool and the KV pool each allow.</summary>
    /// <param name="usable">Bytes left for state and KV.</param>
    /// <param name="statePerSlot">Bytes of one state slot.</param>
    /// <param name="kvPerRequest">KV bytes one running request reserves.</param>
    public double Requests(double usable, double statePerSlot, double kvPerRequest) =>
        Math.Min(StateRequests(usable, statePerSlot), Math.Floor(usable * (1 - StateShare) / kvPerRequest));

    /// <summary>Requests the state pool alone holds, whatever their lengths.</summary>
    public double StateRequests(double usable, double statePerSlot) => Math.Floor(usable * StateShare / (SlotsPerRequest * statePerSlot));
}

/// <summary>
/// trtllm-bench's sizing when max_batch_size and max_num_tokens are not given (NVIDIA/TensorRT-LLM
/// tensorrt_llm/bench/build/tuning.py, calc_engine_setting and finetune_setting): requests the KV cache holds at full
/// length, capped at <paramref name="BatchCap"/> and split over pipeline stages; the token budget is that batch ×
/// (1 + input/output), capped at <paramref name="TokenCap"/>; both rounded up to the steps the source uses.
/// </summary>
public sealed record BenchTuning(int BatchCap, int TokenCap);

/// <summary>One memory tier of an engine's defaults: the first tier a GPU matches gives its limits.</summary>
/// <param name="BelowGib">The tier holds GPUs with less memory than this (GiB, as the driver reports it); null = any.</param>
/// <param name="Names">The tier holds GPUs whose id contains one of these (vLLM treats A100 as a small GPU); empty = any.</param>
public sealed record EngineTier(double? BelowGib, IReadOnlyList<string> Names, int? MaxBatch, int TokenBudget)
{
    public bool Holds(Accelerator a) =>
        (BelowGib is not { } below || a.HbmCapacity.GiB < below)
        && (Names.Count == 0 || Names.Any(n => a.Id.Contains(n, StringComparison.OrdinalIgnoreCase)));
}

/// <summary>A serving engine's defaults as the catalog records them, with where they were read.</summary>
public sealed record ServingEngineSpec
{
    public required string Id { get; init; }
    /// <summary>Repository, commit and file the defaults were read from.</summary>
    public required string Source { get; init; }
    /// <summary>Memory tiers, first match wins; the last should hold every GPU.</summary>
    public required IReadOnlyList<EngineTier> Tiers { get; init; }
    public BenchTuning? BenchTuning { get; init; }
    /// <summary>See <see cref="ServingLimits.HostPerSequence"/>; zero unless the catalog gives host_us_per_sequence.</summary>
    public Seconds HostPerSequence { get; init; } = Seconds.Zero;
    /// <summary>See <see cref="ServingLimits.HostOverlapsGpu"/>.</summary>
    public bool HostOverlapsGpu { get; init; }
    /// <summary>See <see cref="ServingLimits.EagerHostPerLayer"/>; zero unless the catalog gives eager_host_us_per_layer.</summary>
    public Seconds EagerHostPerLayer { get; init; } = Seconds.Zero;
    /// <summary>See <see cref="ServingLimits.EagerHostPerMlaLayer"/>; zero unless the catalog gives eager_host_us_per_mla_layer.</summary>
    public Seconds EagerHostPerMlaLayer { get; init; } = Seconds.Zero;
    /// <summary>See <see cref="ServingLimits.MixedPrefill"/>.</summary>
    public bool MixedPrefill { get; init; } = true;
    /// <summary>See <see cref="ServingLimits.StatePool"/>.</summary>
    public LinearStatePool? StatePool { get; init; }
    /// <summary>
    /// Measurement sets (catalog/measurements) that timed this engine's own linear layers; each says which accelerators
    /// and precisions it stands for (<see cref="Hardware.KernelMeasurementSet.Serves"/>). Empty = none.
    /// </summary>
    public IReadOnlyList<string> LinearKernels { get; init; } = [];

    /// <summary>The limits this engine applies on <paramref name="a"/>, or null when no tier holds it.</summary>
    public ServingLimits? For(Accelerator a) =>
        (BenchTuning is { } bench ? new ServingLimits(Id, null, 0, bench)
        : Tiers.FirstOrDefault(t => t.Holds(a)) is { } tier ? new ServingLimits(Id, tier.MaxBatch, tier.TokenBudget) : null)
        is { } limits ? limits with { HostPerSequence = HostPerSequence, HostOverlapsGpu = HostOverlapsGpu, EagerHostPerLayer = EagerHostPerLayer, EagerHostPerMlaLayer = EagerHostPerMlaLayer, MixedPrefill = MixedPrefill, StatePool = StatePool } : null;
}
