using Augur.Catalog.Files;
using Augur.Domain;
using Augur.Domain.Frameworks;
using Augur.Domain.Hardware;
using Augur.Domain.Models;
using Augur.Domain.Workloads;

namespace Augur.Catalog.Loading;

/// <summary>The <c>rl:</c> section of a scenario (workload: rl).</summary>
public sealed partial class ScenarioReader
{
    static readonly string[] RlKeys = ["algorithm", "prompts_per_step", "samples_per_prompt", "prompt_tokens", "response_tokens", "verifier", "placement", "staleness", "async_rollout", "generator", "trainer", "steps", "critic", "dynamic_sampling"];
    static readonly string[] RlLengthKeys = ["mean", "spread", "max"];
    static readonly string[] GeneratorKeys = ["gpus", "tp", "pp", "ep", "dp_attention", "mode", "prefill_gpus", "decode_gpus", "precision", "kv_precision", "memory_fraction", "hardware", "cluster", "usd_per_gpu_hour", "cuda_graphs", "max_batch", "max_num_tokens", "async_scheduling", "draft_tokens", "acceptance", "sleep_level", "sampling"];
    static readonly string[] TrainingLayoutKeys = ["tp", "pp", "vp", "dp", "cp", "ep", "etp", "sp", "zero", "fsdp", "microbatch", "recompute"];
    /// <summary>The trainer's keys beside its layout's: how NeMo-RL runs the update.</summary>
    static readonly string[] TrainerRunKeys = ["gpus", "offload_weights", "global_batch", "gather_weights", "reference_on_host", "pack_tokens", "logprob_tokens", "dispatcher", "grad_precision", "optimizer_offload", "old_policy_logprobs", "linear_attention_tp", "variable_seq_lengths", "offload_pinned", "refit_overlap"];
    static readonly string[] TrainerKeys = [.. TrainingLayoutKeys, .. TrainerRunKeys];
    static readonly string[] CriticKeys = ["model", "gpus", .. TrainingLayoutKeys];
    static readonly string[] VerifierKeys = ["kind", "cpu_seconds", "cpu_cores", "latency_s", "concurrency", "model", "gpus", "tp", "colocated", "share"];

    /// <summary>An RL scenario ranks by samples per second (throughput) or by dollars per step (cost).</summary>
    static Objective ReadRlObjective(MappingNode s) => (s.OptionalString("objective") ?? "throughput").ToLowerInvariant() switch
    {
        "throughput" or "samples_per_s" => Objective.Throughput,
        "cost" or "cost_per_step" or "cheapest" => Objective.Cost,
        var o => throw new InputException($"{s.Path}.objective: unknown objective '{o}' for an rl scenario; use throughput (samples per second) or cost (dollars per step)"),
    };

    /// <summary>Layouts of an RL scenario live under rl.generator and rl.trainer; the other workloads' sections are refused.</summary>
    static void RefuseNonRl(MappingNode s)
    {
        foreach (var key in new[] { "training", "inference", "parallelism", "simulation" })
            if (s.Entries.ContainsKey(key))
                throw new InputException($"{s.Path}.{key}: an rl scenario has no '{key}' section; set the layouts under rl.generator and rl.trainer");
    }

    RlJob ReadRl(MappingNode r, ModelSpec model, Cluster cluster, Precision precision, string? baseDirectory)
    {
        r.RequireOnly(RlKeys);
        string path = r.Path;
        var algorithm = (r.OptionalString("algorithm") ?? "grpo").ToLowerInvariant() switch
        {
            "grpo" => RlAlgorithm.Grpo,
            "ppo" => RlAlgorithm.Ppo,
            "dapo" => RlAlgorithm.Dapo,
            var a => throw new InputException($"{path}.algorithm: unknown algorithm '{a}'; use grpo, ppo or dapo"),
        };
        int prompts = r.OptionalInteger("prompts_per_step", 1, InputLimits.MaxSimulatedRequests, "prompts one step generates for") ?? throw new InputException($"{path}: missing key 'prompts_per_step'");
        int group = r.OptionalInteger("samples_per_prompt", 1, 1024, "samples per prompt (GRPO groups are 4 to 64)") ?? 1;
        if ((long)prompts * group > InputLimits.MaxSimulatedRequests)
            throw new InputException(FormattableString.Invariant($"{path}: prompts_per_step × samples_per_prompt = {(long)prompts * group:N0} samples per step, more than the {InputLimits.MaxSimulatedRequests:N0} a rollout simulation holds; lower one"));
        var placement = (r.OptionalString("placement") ?? "colocated").ToLowerInvariant() switch
        {
            "colocated" or "hybrid" => RlPlacement.Colocated,
            "disaggregated" or "separate" => RlPlacement.Disaggregated,
            "asynchronous" or "async" => RlPlacement.Asynchronous,
            var p => throw new InputException($"{path}.placement: unknown placement '{p}'; use colocated, disaggregated or asynchronous"),
        };
        int? staleness = r.OptionalInteger("staleness");
        if (staleness is < 0) throw new InputException($"{path}.staleness: must be 0 or more (policy versions generation may run ahead of training), got {staleness}");
        if (staleness is > 0 && placement != RlPlacement.Asynchronous)
            throw new InputException($"{path}.staleness: only asynchronous placement runs generation ahead of training; remove it or set placement: asynchronous");
        r.OptionalInteger("staleness", 0, 64, "policy versions; published asynchronous systems run 1 to 8 behind");
        string? rolloutMode = r.OptionalString("async_rollout");
        var asyncRollout = rolloutMode?.ToLowerInvariant() switch
        {
            null or "continuous" => RlAsyncRollout.Continuous,
            "per_step" => RlAsyncRollout.PerStep,
            var a => throw new InputException($"{path}.async_rollout: unknown mode '{a}'; use continuous (partial rollouts) or per_step (each step's batch launched whole, as NeMo-RL)"),
        };
        if (rolloutMode is not null && placement != RlPlacement.Asynchronous)
            throw new InputException($"{path}.async_rollout: only asynchronous placement runs generation ahead of training; remove it or set placement: asynchronous");
        var prompt = ReadLengths(r, "prompt_tokens");
        var response = ReadLengths(r, "response_tokens");
        int steps = r.OptionalInteger("steps", 1, 100_000_000, "RL runs take hundreds to thousands of steps") ?? 1;
        var (verifier, moreVerifiers) = ReadVerifiers(r, baseDirectory);
        if (verifier.OwnGpus >= cluster.Gpus)
            throw new InputException($"{path}.verifier.gpus: the reward model's {verifier.OwnGpus} GPUs leave none of the cluster's {cluster.Gpus} for generators and trainer; lower it, set colocated: true, or raise cluster.gpus");
        var critic = ReadCritic(r, algorithm, baseDirectory);
        int criticGpus = CriticGpus(r, placement);
        var (generatorGpus, trainerGpus) = PoolSizes(r, placement, cluster.Gpus, verifier.OwnGpus, criticGpus);
        if (placement != RlPlacement.Colocated)
        {
            // Keys that describe how one pool of GPUs changes hands between the trainer and the engine.
            var (t, g) = (r.OptionalMapping("trainer"), r.OptionalMapping("generator"));
            ColocatedOnly(t?.OptionalBool("offload_weights") == true, $"{path}.trainer.offload_weights", "only a colocated trainer hands its GPUs to the generators");
            ColocatedOnly(t?.OptionalBool("offload_pinned") is not null, $"{path}.trainer.offload_pinned", "says how a colocated trainer offloads its optimizer state");
            ColocatedOnly(t?.OptionalBool("refit_overlap") is not null, $"{path}.trainer.refit_overlap", "says how a colocated trainer hands its weights to the engine on its GPU");
            ColocatedOnly(g?.Get("sleep_level") is not null, $"{path}.generator.sleep_level", "says what a colocated engine does with its weights while the trainer runs");
        }
        var trainer = ReadTrainer(r.Mapping("trainer"), trainerGpus, model, precision);
        int samples = prompts * group;
        if (trainer.GlobalBatch is { } batch && samples % batch != 0)
            throw new InputException($"{path}.trainer.global_batch: {batch} does not divide the step's {samples} samples (prompts_per_step × samples_per_prompt); make it a divisor");
        return new RlJob
        {
            Algorithm = algorithm, PromptsPerStep = prompts, SamplesPerPrompt = group, Prompt = prompt, Response = response,
            Verifier = verifier, MoreVerifiers = moreVerifiers,
            Critic = critic, CriticLayout = ReadCriticLayout(r, trainerGpus, criticGpus), FilteredFraction = ReadDynamicSampling(r),
            Placement = placement, Staleness = staleness ?? (placement == RlPlacement.Asynchronous ? 1 : 0), AsyncRollout = asyncRollout,
            Generator = WithRolloutEngine(ReadGenerator(r.Mapping("generator"), generatorGpus) with { OwnHardware = ReadGeneratorHardware(r.Mapping("generator"), placement, generatorGpus, model) }, r.Mapping("generator"), cluster, path),
            Trainer = trainer,
            Steps = steps,
        };
    }

    /// <summary>
    /// The rollout engine's limits on the generators' own accelerator, read from the catalog's vllm entry as a serving
    /// scenario naming engine: vllm reads them (NeMo-RL, verl and OpenRLHF generate with vLLM): an A100 runs at most 256
    /// sequences, a GPU of 70 GiB or more 1024. max_batch and max_num_tokens under generator set them as a serving
    /// scenario's do (vLLM --max-num-seqs and --max-num-batched-tokens).
    /// </summary>
    RlGenerator WithRolloutEngine(RlGenerator g, MappingNode generator, Cluster cluster, string path)
    {
        var a = (g.OwnHardware?.Cluster ?? cluster).Accelerator;
        var (engine, limits) = EngineLimits(ServingLimits.Default.Engine, a, path + ".generator",
            "the rollout runs on vLLM; add a tier for this accelerator to catalog/frameworks/vllm.yaml");
        RequireEagerCost(g.CudaGraphs, limits, a, path + ".generator", fix: "add eager_host_us_per_layer to catalog/frameworks/vllm.yaml, or remove cuda_graphs");
        return g with { Limits = WithSettings(limits, generator), EngineLinear = EngineKernels(engine, a) };
    }

    /// <summary>
    /// Colocated pools are the whole cluster; separate pools must be given and together fit in it. A reward model or a
    /// critic on GPUs of its own (<paramref name="verifierGpus"/>, <paramref name="criticGpus"/>) takes them out of the
    /// cluster first.
    /// </summary>
    static (int Generator, int Trainer) PoolSizes(MappingNode r, RlPlacement placement, int clusterGpus, int verifierGpus, int criticGpus)
    {
        int taken = verifierGpus + criticGpus;
        int gpus = clusterGpus - taken;
        if (gpus < 1)
            throw new InputException($"{r.Path}.critic.gpus: the critic's {criticGpus} GPUs{(verifierGpus > 0 ? $" and the reward model's {verifierGpus}" : "")} leave none of the cluster's {clusterGpus} for generators and trainer; lower it or raise cluster.gpus");
        string less = string.Join(" and ", new[] { verifierGpus > 0 ? $"the reward model's {verifierGpus}" : null, criticGpus > 0 ? $"the critic's {criticGpus}" : null }.OfType<string>());
        string cluster = taken > 0 ? $"the cluster's {clusterGpus} GPUs less {less}" : $"the {gpus} GPUs of the cluster";
        int? g = r.OptionalMapping("generator")?.OptionalInteger("gpus", 1, InputLimits.MaxGpus, GpusReason);
        int? t = r.OptionalMapping("trainer")?.OptionalInteger("gpus", 1, InputLimits.MaxGpus, GpusReason);
        if (placement == RlPlacement.Colocated)
        {
            foreach (var (side, n) in new[] { ("generator", g), ("trainer", t) })
                if (n is { } x && x != gpus)
                    throw new InputException(taken > 0
                        ? $"{r.Path}.{side}.gpus: colocated generation and training share all {gpus} GPUs left ({cluster}), got {x}; remove it or set placement: disaggregated"
                        : $"{r.Path}.{side}.gpus: colocated generation and training share all {gpus} GPUs of the cluster, got {x}; remove it or set placement: disaggregated");
            return (gpus, gpus);
        }
        if (g is null || t is null)
            throw new InputException($"{r.Path}: {(placement == RlPlacement.Asynchronous ? "asynchronous" : "disaggregated")} placement needs generator.gpus and trainer.gpus (two pools)");
        if ((long)g + t > gpus)
            throw new InputException($"{r.Path}: generator.gpus + trainer.gpus = {g} + {t} = {(long)g + t} exceeds {cluster}; shrink a pool or raise cluster.gpus");
        return (g.Value, t.Value);
    }

    static RlLengths ReadLengths(MappingNode r, string key)
    {
        var m = r.OptionalMapping(key) ?? throw new InputException($"{r.Path}: missing section '{key}' (e.g. {{mean: 1024, max: 2048}})");
        m.RequireOnly(RlLengthKeys);
        int mean = m.Integer("mean", 1, MaxSequenceTokens, "no model holds a longer sequence");
        int max = m.OptionalInteger("max", 1, MaxSequenceTokens, "no model holds a longer sequence") ?? mean;
        double spread = m.OptionalNumber("spread", 0, 4, "standard deviation over mean; RL responses run about 0.5 to 1") ?? 0;
        if (max < mean) throw new InputException($"{m.Path}.max: must be at least the mean ({mean}), got {max}");
        if (spread > 0 && max == mean) throw new InputException($"{m.Path}: a spread needs a max above the mean (the generation limit), got max {max}");
        return new RlLengths(mean, spread, max);
    }

    /// <summary>
    /// PPO's critic model when it is not the policy's (<c>critic: {model: NAME}</c>, as verl's <c>critic.model.path</c> and
    /// OpenRLHF's <c>--critic_pretrain</c>): a catalog name or a config.json, as the policy's <c>model</c>.
    /// </summary>
    ModelSpec? ReadCritic(MappingNode r, RlAlgorithm algorithm, string? baseDirectory)
    {
        if (r.OptionalMapping("critic") is not { } c) return null;
        c.RequireOnly(CriticKeys);
        if (algorithm != RlAlgorithm.Ppo)
            throw new InputException($"{c.Path}: only ppo trains a critic; remove it or set algorithm: ppo");
        if (!c.Has("model")) return null;
        try { return ReadModel(c, baseDirectory); }
        catch (InputException e) when (!e.Message.StartsWith(c.Path, StringComparison.Ordinal))
        {
            throw new InputException($"{c.Path}.model: {e.Message}");
        }
    }

    /// <summary>
    /// GPUs of the critic's own pool (<c>critic.gpus</c>, OpenRLHF's <c>--critic.num_nodes</c> × <c>num_gpus_per_node</c>);
    /// 0 when it shares the trainer's. OpenRLHF puts every model on the generators' GPUs when it colocates them
    /// (<c>--train.colocate_all</c>), so a critic pool of its own needs separate pools.
    /// </summary>
    static int CriticGpus(MappingNode r, RlPlacement placement)
    {
        if (r.OptionalMapping("critic") is not { } c || !c.Has("gpus")) return 0;
        int gpus = c.OptionalInteger("gpus", 1, InputLimits.MaxGpus, GpusReason)!.Value;
        if (placement == RlPlacement.Colocated)
            throw new InputException($"{c.Path}.gpus: a colocated pool runs every model on the same GPUs (OpenRLHF --train.colocate_all); remove critic.gpus to lay the critic out on the trainer's GPUs, or set placement: disaggregated");
        return gpus;
    }

    /// <summary>
    /// The critic's own layout (<c>critic: {tp, pp, dp, ...}</c>, as the trainer's): on its own pool when it has
    /// <c>gpus</c>, else on the trainer's GPUs; null without layout keys (the trainer's layout).
    /// </summary>
    static RlCriticLayout? ReadCriticLayout(MappingNode r, int trainerGpus, int criticGpus)
    {
        if (r.OptionalMapping("critic") is not { } c || !c.Entries.Keys.Any(k => k != "model")) return null;
        bool own = criticGpus > 0;
        int gpus = own ? criticGpus : trainerGpus;
        var layout = ReadPoolLayout(c, gpus, own ? "the critic" : "the trainer's pool (where the critic runs)",
            own ? "critic.gpus" : "trainer.gpus (or give the critic GPUs of its own, critic.gpus)", "model", "gpus");
        return new RlCriticLayout(gpus, layout, own);
    }

    /// <summary>
    /// Dynamic sampling (DAPO §3.2; verl's <c>algorithm.filter_groups</c>): the expected share of prompt groups filtered
    /// out, given as <c>filtered_fraction</c> or as <c>keep_fraction</c> = 1 − it; null when the section is absent.
    /// </summary>
    const double MaxFilteredFraction = 0.99;

    static double? ReadDynamicSampling(MappingNode r)
    {
        if (r.OptionalMapping("dynamic_sampling") is not { } d) return null;
        d.RequireOnly("filtered_fraction", "keep_fraction");
        double? filtered = d.OptionalNumber("filtered_fraction"), keep = d.OptionalNumber("keep_fraction");
        if (filtered is not null == keep is not null)
            throw new InputException($"{d.Path}: give filtered_fraction (the share of prompt groups whose samples all score alike, e.g. 0.3) or keep_fraction, one of them");
        double f = filtered ?? 1 - keep!.Value;
        if (f is < 0 or >= 1)
            throw new InputException(filtered is not null
                ? FormattableString.Invariant($"{d.Path}.filtered_fraction: must be in [0, 1) (at 1 no group is kept and the train batch never fills), got {f}")
                : FormattableString.Invariant($"{d.Path}.keep_fraction: must be in (0, 1] (at 0 no group is kept and the train batch never fills), got {keep}"));
        // Past 100 expected rounds a step is not a run anyone would wait for: verl stops a step with an error once it has
        // generated algorithm.filter_groups.max_num_gen_batches batches.
        if (f > MaxFilteredFraction)
            throw new InputException(FormattableString.Invariant(
                $"{d.Path}: keeping {1 - f:G3} of the prompt groups takes {1 / (1 - f):#,0} generation rounds per step on average; give a filtered fraction of at most {MaxFilteredFraction} (100 rounds)"));
        return f;
    }

    /// <summary>
    /// One verifier, or a list of them scoring together: each with a <c>share</c> of the samples (the shares adding up
    /// to 1), or none with one (each scores every sample). At most one reward model; it comes first in the job, as the
    /// verifier whose GPUs the pools account for.
    /// </summary>
    (RlVerifier First, IReadOnlyList<RlVerifier> More) ReadVerifiers(MappingNode r, string? baseDirectory)
    {
        var node = r.Get("verifier") ?? throw new InputException($"{r.Path}: missing section 'verifier' (e.g. {{kind: rule, cpu_seconds: 0.2, cpu_cores: 512}})");
        List<MappingNode> items = node switch
        {
            MappingNode m => [m],
            SequenceNode { Items.Count: 0 } => throw new InputException($"{node.Path}: an empty list scores nothing; give at least one verifier (e.g. [{{kind: rule, cpu_seconds: 0.2, cpu_cores: 512}}])"),
            SequenceNode l => l.Items.Select(i => i as MappingNode ?? throw new InputException($"{i.Path}: expected a verifier mapping (e.g. {{kind: sandbox, latency_s: 2, concurrency: 256}})")).ToList(),
            _ => throw new InputException($"{node.Path}: expected a verifier mapping or a list of them"),
        };
        var verifiers = items.Select(m => ReadVerifier(m, baseDirectory)).ToList();
        int shared = items.Count(m => m.Has("share"));
        if (shared > 0 && shared < items.Count)
            throw new InputException($"{node.Path}: give every verifier a share of the samples (adding up to 1) or none (each scores every sample); {shared} of {items.Count} have one");
        double total = verifiers.Sum(v => v.Share);
        if (shared > 0 && Math.Abs(total - 1) > 1e-9)
            throw new InputException(FormattableString.Invariant($"{node.Path}: the verifiers' shares add up to {total:0.###}, not 1; make them add up to 1, or remove them all so each scores every sample"));
        if (verifiers.Count(v => v.Kind == VerifierKind.Model) > 1)
            throw new InputException($"{node.Path}: more than one model verifier; one reward model per step is costed, so keep one (rule and sandbox verifiers may be added beside it)");
        var first = verifiers.FirstOrDefault(v => v.Kind == VerifierKind.Model) ?? verifiers[0];
        return (first, verifiers.Where(v => !ReferenceEquals(v, first)).ToList());
    }

    RlVerifier ReadVerifier(MappingNode v, string? baseDirectory)
    {
        v.RequireOnly(VerifierKeys);
        double share = v.OptionalNumber("share") ?? 1;
        if (share is <= 0 or > 1) throw new InputException(FormattableString.Invariant($"{v.Path}.share: must be in (0, 1] (the share of samples it scores), got {share}"));
        return ReadVerifierKind(v, baseDirectory) with { Share = share };
    }

    RlVerifier ReadVerifierKind(MappingNode v, string? baseDirectory)
    {
        string kind = (v.OptionalString("kind") ?? "rule").ToLowerInvariant();
        double Positive(string key, string example)
        {
            double x = v.OptionalNumber(key) ?? throw new InputException($"{v.Path}: a {kind} verifier needs its cost: set {key} (e.g. {example})");
            if (x <= 0) throw new InputException(FormattableString.Invariant($"{v.Path}.{key}: must be positive, got {x}"));
            return x;
        }
        return kind switch
        {
            "rule" => new RlVerifier { Kind = VerifierKind.Rule, CpuSeconds = Positive("cpu_seconds", "0.2"), CpuCores = (int)Positive("cpu_cores", "512") },
            "sandbox" => new RlVerifier { Kind = VerifierKind.Sandbox, LatencySeconds = Positive("latency_s", "2"), Concurrency = (int)Positive("concurrency", "256") },
            "model" => ReadRewardModel(v, baseDirectory, () => (int)Positive("gpus", "8, or colocated: true to score on the generators' GPUs")),
            var k => throw new InputException($"{v.Path}.kind: unknown verifier '{k}'; use rule, sandbox or model"),
        };
    }

    /// <summary>A reward model: its catalog name, tp, and GPUs of its own or the generators' (colocated: true).</summary>
    RlVerifier ReadRewardModel(MappingNode v, string? baseDirectory, Func<int> ownGpus)
    {
        var model = v.OptionalString("model") is { } name ? ReadModelName(name, baseDirectory, v.Path + ".model") : throw new InputException($"{v.Path}: a model verifier needs its cost: set model (a catalog name) and gpus");
        bool onGenerators = v.OptionalBool("colocated") ?? false;
        if (onGenerators && v.Entries.ContainsKey("gpus"))
            throw new InputException($"{v.Path}: a colocated reward model runs on the generators' GPUs; remove gpus or set colocated: false");
        int tp = v.OptionalInteger("tp", 1, InputLimits.MaxGpus, "at most the largest cluster") ?? 1;
        return new RlVerifier { Kind = VerifierKind.Model, RewardModel = model, Tp = tp, OnGenerators = onGenerators, Gpus = onGenerators ? 0 : ownGpus() };
    }

    /// <summary>Refuses, on separate pools, a key that only a colocated pool gives a meaning to.</summary>
    static void ColocatedOnly(bool present, string key, string why)
    {
        if (present) throw new InputException($"{key}: {why}; remove it or set placement: colocated");
    }

    static RlGenerator ReadGenerator(MappingNode g, int gpus)
    {
        g.RequireOnly(GeneratorKeys);
        int Degree(string key) => g.OptionalInteger(key, 1, InputLimits.MaxGpus, "at most the largest cluster") ?? 1;
        var mode = (g.OptionalString("mode") ?? "aggregated").ToLowerInvariant() switch
        {
            "aggregated" => ServingMode.Aggregated,
            "disaggregated" => ServingMode.Disaggregated,
            var m => throw new InputException($"{g.Path}.mode: unknown mode '{m}'; use aggregated (prefill and decode on the same GPUs) or disaggregated (prefill and decode workers)"),
        };
        var (prefill, decode) = PrefillDecodeSplit(g, mode, gpus);
        double frac = g.OptionalNumber("memory_fraction") ?? InferenceJob.DefaultMemoryFraction;
        if (frac is <= 0 or > 1) throw new InputException(FormattableString.Invariant($"{g.Path}.memory_fraction: must be in (0, 1], got {frac}"));
        var (draft, acceptance) = ReadSpeculation(g);
        return new RlGenerator
        {
            DraftTokens = draft, Acceptance = acceptance,
            Gpus = gpus, Mode = mode, PrefillGpus = prefill, DecodeGpus = decode,
            Tp = Degree("tp"), Pp = Degree("pp"), Ep = Degree("ep"), DpAttention = Degree("dp_attention"),
            Precision = g.OptionalString("precision") is { } p ? ParsePrecision(p, g.Path + ".precision") : null,
            KvPrecision = ParsePrecision(g.OptionalString("kv_precision") ?? "bf16", g.Path + ".kv_precision"),
            MemoryFraction = frac, CudaGraphs = g.OptionalBool("cuda_graphs") ?? true,
            // Every RL framework samples its rollouts and asks the engine for the sampled tokens' log-probabilities.
            Sampling = ReadSampling(g, SamplingMode.RandomWithLogprobs),
            KeepsWeightsOnHost = (g.OptionalInteger("sleep_level", 1, 2, "vLLM's sleep levels: 1 backs the weights up to host memory, 2 discards them") ?? 1) == 1,
        };
    }

    /// <summary>Disaggregated generators' prefill and decode GPUs: both or neither (0, 0: the cost model picks), adding up to the pool.</summary>
    static (int Prefill, int Decode) PrefillDecodeSplit(MappingNode g, ServingMode mode, int gpus)
    {
        int? p = g.OptionalInteger("prefill_gpus", 1, InputLimits.MaxGpus, GpusReason);
        int? d = g.OptionalInteger("decode_gpus", 1, InputLimits.MaxGpus, GpusReason);
        if (p is null && d is null) return (0, 0);
        if (mode != ServingMode.Disaggregated)
            throw new InputException($"{g.Path}: prefill_gpus and decode_gpus split disaggregated generators; set mode: disaggregated or remove them");
        if (p is null || d is null)
            throw new InputException($"{g.Path}: give both prefill_gpus and decode_gpus (adding up to the generator's {gpus} GPUs), or neither to let the rollout pick the split");
        if ((long)p + d != gpus)
            throw new InputException($"{g.Path}: prefill_gpus + decode_gpus = {p} + {d} = {(long)p + d}, but the generator pool has {gpus} GPUs; make them add up to {gpus}");
        return (p.Value, d.Value);
    }

    /// <summary>
    /// The trainer's layout on its pool (its degrees must multiply to the pool, as a training scenario's multiply to its
    /// cluster) and how NeMo-RL runs it; dispatcher and grad_precision read as a training scenario's training section reads them.
    /// </summary>
    static RlTrainer ReadTrainer(MappingNode t, int gpus, ModelSpec model, Precision precision)
    {
        t.RequireOnly(TrainerKeys);
        var layout = ReadPoolLayout(t, gpus, "the trainer", "trainer.gpus", TrainerRunKeys);
        var dispatcher = RequireExperts(ReadDispatcher(t), model, t.Path);
        int? pack = t.OptionalInteger("pack_tokens", 1, MaxSequenceTokens, "tokens of one packed micro-batch (NeMo-RL: max_total_sequence_length × train_micro_batch_size)");
        if (pack is not null && layout.MicroBatch is not null)
            throw new InputException($"{t.Path}: pack_tokens sizes the micro-batch from the sequences' length; remove microbatch or pack_tokens");
        int? logprob = t.OptionalInteger("logprob_tokens", 1, MaxSequenceTokens, "tokens of one packed log-probability micro-batch (NeMo-RL: max_total_sequence_length × logprob_batch_size)");
        if (logprob is not null && pack is null)
            throw new InputException($"{t.Path}.logprob_tokens: packs the log-probability passes' micro-batches, which needs sequence packing; set pack_tokens too");
        bool variable = t.OptionalBool("variable_seq_lengths") ?? false;
        if (variable && pack is null)
            throw new InputException($"{t.Path}.variable_seq_lengths: says how packed micro-batches cross pipeline stages, which needs sequence packing; set pack_tokens too or remove it");
        bool overlap = t.OptionalBool("refit_overlap") ?? false;
        if (overlap && t.OptionalBool("gather_weights") != true)
            throw new InputException($"{t.Path}.refit_overlap: double-buffers the hand-over of whole tensors, which needs gather_weights: true; set it or remove refit_overlap");
        return new RlTrainer
        {
            Gpus = gpus, Layout = layout, OffloadWeights = t.OptionalBool("offload_weights") ?? false,
            GlobalBatch = t.OptionalInteger("global_batch", 1, InputLimits.MaxSequences, "samples per optimizer step"),
            GatherWeights = t.OptionalBool("gather_weights") ?? false,
            ReferenceOnHost = t.OptionalBool("reference_on_host") ?? false,
            PackTokens = pack, LogProbTokens = logprob,
            Dispatcher = dispatcher, GradientPrecision = ReadGradientPrecision(t, precision),
            OptimizerOffload = ReadOptimizerOffload(t),
            OldPolicyLogProbs = t.OptionalBool("old_policy_logprobs") ?? true,
            ReplicatedLinearAttention = ReadLinearAttentionTp(t, model),
            VariableSeqLengths = variable,
            OffloadPinned = t.OptionalBool("offload_pinned") ?? false,
            RefitOverlap = overlap,
        };
    }

    /// <summary>
    /// A training layout on a pool of <paramref name="gpus"/> GPUs (the keys of <paramref name="node"/> but
    /// <paramref name="notLayout"/>), its dp completing the pool.
    /// </summary>
    /// <param name="pool">The pool in a message, e.g. "the trainer".</param>
    /// <param name="resize">What to change instead of the degrees, e.g. "trainer.gpus".</param>
    static LayoutSpec ReadPoolLayout(MappingNode node, int gpus, string pool, string resize, params string[] notLayout)
    {
        var layout = ReadLayout(new MappingNode(node.Path, node.Entries.Where(e => !notLayout.Contains(e.Key)).ToDictionary()));
        long inner = (long)(layout.Tp ?? 1) * (layout.Pp ?? 1) * (layout.Cp ?? 1);
        if (layout.Dp is { } dp && inner * dp != gpus)
            throw new InputException($"{node.Path}: tp×pp×cp×dp = {layout.Tp ?? 1}×{layout.Pp ?? 1}×{layout.Cp ?? 1}×{dp} = {inner * dp}, but {pool} has {gpus} GPUs; make the degrees multiply to {gpus}");
        if (gpus % inner != 0)
            throw new InputException($"{node.Path}: tp×pp×cp = {inner} does not divide the {gpus} GPUs of {pool}; change the degrees or {resize}");
        return layout with { Dp = (int)(gpus / inner) };
    }
}
