using Augur.Catalog.Files;
using Augur.Domain;
using Augur.Domain.Frameworks;
using Augur.Domain.Hardware;
using Augur.Domain.Models;
using Augur.Domain.Parallelism;
using Augur.Domain.Workloads;
using Augur.Units;

namespace Augur.Catalog.Loading;

/// <summary>Reads a scenario file (YAML or JSON) into a <see cref="Scenario"/>, resolving catalog names.</summary>
public sealed partial class ScenarioReader(CatalogStore catalog)
{
    static readonly string[] TopKeys = ["name", "workload", "model", "hardware", "system", "cluster", "precision", "parallelism", "training", "inference", "simulation", "rl", "run", "objective", "measured", "source", "id", "notes"];
    static readonly string[] ClusterKeys = ["gpus", "scale_up_domain", "scale_up_bandwidth", "scale_out_bandwidth", "in_network_reduction", "sites", "wan_bandwidth", "wan_latency_ms"];
    static readonly string[] LayoutKeys = ["tp", "pp", "vp", "dp", "cp", "ep", "etp", "sp", "zero", "microbatch", "recompute", "dp_attention", "fsdp", "ep_overlap", "recompute_layers"];
    static readonly string[] TrainingKeys = ["seq_len", "global_batch", "tokens", "flops", "attention", "overlap_dp", "routing", "cross_site", "diloco", "mtp_layers", "grad_precision", "offload_layers", "fused_cross_entropy", "optimizer_precision", "backward_prefetch", "capacity_factor", "dispatcher", "remat", "vocab_tiling", "cuda_graphs", "optimizer_offload", "cp_comm", "lora", "fp8_activation_store", "fp8_attention", "linear_attention_tp"];
    static readonly string[] DiLoCoKeys = ["inner_steps", "outer_bits", "fragments", "overlap_steps"];
    static readonly string[] InferenceKeys = ["input_tokens", "output_tokens", "input_tokens_cv", "output_tokens_cv", "concurrency", "kv_precision", "expert_precision", "weight_precision", "expert_weight_precision", "prefix_hit_rate", "mode", "prefill_gpus", "decode_gpus", "ttft_ms", "tpot_ms", "slo_percentile", "memory_fraction", "draft_tokens", "acceptance", "target_output_tokens_per_s", "routing", "engine", "max_batch", "max_num_tokens", "cuda_graphs", "mixed_prefill", "async_scheduling", "requests", "sampling"];
    static readonly string[] RunKeys = ["usd_per_gpu_hour", "gpu_mtbf_hours", "checkpoint_write_s", "restart_s", "power_utilization", "pue"];

    /// <summary>The workload a scenario mapping names (training when it names none).</summary>
    public static WorkloadKind Workload(MappingNode s) => (s.OptionalString("workload") ?? "training").ToLowerInvariant() switch
    {
        "training" or "pretraining" => WorkloadKind.Training,
        "inference" or "serving" => WorkloadKind.Inference,
        "rl" or "post_training" => WorkloadKind.Rl,
        var w => throw new InputException($"{s.Path}.workload: unknown workload '{w}'; use training, inference or rl"),
    };

    /// <summary>Longest prompt or output a scenario may ask for (see <see cref="InputLimits.MaxSequenceTokens"/>).</summary>
    public const int MaxSequenceTokens = InputLimits.MaxSequenceTokens;

    /// <summary>Layout keys only training uses; an inference scenario naming them is refused rather than silently ignored.</summary>
    static readonly string[] TrainingOnlyLayoutKeys = ["vp", "cp", "etp", "sp", "zero", "fsdp", "microbatch", "recompute", "ep_overlap", "recompute_layers"];

    /// <summary>Layout keys only serving uses.</summary>
    static readonly string[] InferenceOnlyLayoutKeys = ["dp_attention"];

    public Scenario ReadFile(string path, IReadOnlyList<ScenarioOverride>? overrides = null)
    {
        var node = DataReader.ReadFile(path);
        if (node is not MappingNode map) throw new InputException($"{path}: expected a mapping with keys such as workload, model, hardware");
        return Read(ScenarioOverrides.Apply(map, overrides ?? []), Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".");
    }

    /// <summary>
    /// Reads scenario YAML text; relative model paths resolve against <paramref name="baseDirectory"/>. A null
    /// directory reads no file at all (catalog names and inline models only), for text a server was sent.
    /// </summary>
    public Scenario ReadYaml(string yaml, string name = "scenario.yaml", string? baseDirectory = ".", IReadOnlyList<ScenarioOverride>? overrides = null) =>
        DataReader.Read(yaml, name, false) is MappingNode map ? Read(ScenarioOverrides.Apply(map, overrides ?? []), baseDirectory)
            : throw new InputException($"{name}: expected a mapping with keys such as workload, model, hardware");

    /// <param name="baseDirectory">Where relative paths in the scenario resolve; null when it may name no file.</param>
    public Scenario Read(MappingNode s, string? baseDirectory)
    {
        s.RequireOnly(TopKeys);
        var workload = Workload(s);
        RefuseOtherWorkload(s, workload);
        var model = ReadModel(s, baseDirectory);
        var (cluster, price) = ReadCluster(s);
        var precision = ParsePrecision(s.OptionalString("precision") ?? "bf16", s.Path + ".precision");
        if (!cluster.Accelerator.Supports(precision))
            throw new InputException(NoTensorCores(cluster.Accelerator, precision)
                + (workload == WorkloadKind.Inference ? $"; to serve {precision.Label()} weights through wider GEMMs, set 'precision' to one of those and inference.weight_precision: {precision.Label()} (expert_weight_precision for the routed experts alone)" : ""));
        // The LM head and embedding run in BF16 at every precision (PrecisionRules.LmHead), so a part with no BF16 rate
        // (unpublished, or an inline ASIC given only an FP8 figure) would time them at zero FLOP/s: refuse it.
        CheckBf16(cluster.Accelerator);
        foreach (var runs in workload == WorkloadKind.Rl ? [WorkloadKind.Training, WorkloadKind.Inference] : new[] { workload })
            if (AcceleratorCapabilities.WhyNot(cluster.Accelerator, model, runs) is { } why)
                throw new InputException($"{s.Path}: {why}; choose hardware that runs it, or another model");
        var layout = ReadLayout(s.OptionalMapping("parallelism"));
        var scenario = new Scenario
        {
            Name = s.OptionalString("name") ?? s.OptionalString("id") ?? "",
            Workload = workload,
            Model = model,
            Cluster = cluster,
            Precision = precision,
            Layout = layout,
            Training = workload == WorkloadKind.Training ? ReadTraining(s.OptionalMapping("training") ?? throw new InputException($"{s.Path}: a training scenario needs a 'training' section with seq_len and global_batch"), precision, model) : null,
            Inference = workload == WorkloadKind.Inference ? WithEngine(CheckExperts(ReadInference(s.OptionalMapping("inference") ?? throw new InputException($"{s.Path}: an inference scenario needs an 'inference' section with input_tokens and output_tokens")), model, cluster, precision, s.Path + ".inference"), s.OptionalMapping("inference")!, cluster) : null,
            Rl = workload == WorkloadKind.Rl ? ReadRl(s.OptionalMapping("rl") ?? throw new InputException($"{s.Path}: an rl scenario needs an 'rl' section with prompts_per_step, samples_per_prompt, generator and trainer"), model, cluster, precision, baseDirectory) : null,
            Simulation = s.OptionalMapping("simulation") is { } sim ? SimulationSpecReader.Read(sim, baseDirectory) : null,
            Run = ReadRun(s.OptionalMapping("run"), price),
            Objective = ReadObjective(s, workload),
        };
        if (LayoutLimits.Check(scenario) is { } tooLarge) throw new InputException($"{s.Path}.parallelism: {tooLarge}");
        CheckSites(scenario, s.Path);
        CheckOffload(scenario, s.Path);
        if (scenario.Training is { } tj && OptimizerOffloadRule.Problem(tj.OptimizerOffload, scenario.Cluster.Accelerator, scenario.Layout.Zero, tj.OptimizerPrecision) is { } offload)
            throw new InputException($"{s.Path}.training.optimizer_offload: {offload}");
        CheckRemat(scenario, s.Path);
        CheckLora(scenario, s.Path);
        if (scenario.Training is { Fp8ActivationStore: true } && !model.GatedMlp)
            throw new InputException($"{s.Path}.training.fp8_activation_store: {model.Name}'s MLP is not gated; Megatron-core stores only a SwiGLU's input in FP8, so remove fp8_activation_store");
        if (scenario.Training is { } training) RequireExperts(training.Dispatcher, model, s.Path + ".training");
        if (scenario.Training is { Dispatcher: not ExpertDispatcher.AllToAll, ExpertCapacityFactor: not null })
            throw new InputException($"{s.Path}.training: dispatcher {scenario.Training.Dispatcher.Label()} and capacity_factor together; capacity_factor is MaxText's einsum into fixed expert slots, which sends no tokens: remove one");
        if (scenario.Training is { ExpertCapacityFactor: not null } && model.Moe is null)
            throw new InputException($"{s.Path}.training.capacity_factor: {model.Name} has no experts; remove capacity_factor (it sets the slots of each expert in an MoE layer)");
        CheckGeneratorHardware(scenario);
        return scenario;
    }

    static Objective ReadObjective(MappingNode s, WorkloadKind workload)
    {
        if (workload == WorkloadKind.Rl) return ReadRlObjective(s);
        string text = s.OptionalString("objective") ?? (workload == WorkloadKind.Training ? "step_time" : "throughput");
        var objective = text.ToLowerInvariant() switch
        {
            "step_time" or "time" or "fastest" => Objective.StepTime,
            "cost" or "cheapest" => Objective.Cost,
            "throughput" or "throughput_per_gpu" => Objective.Throughput,
            "cost_per_token" or "usd_per_million_tokens" => Objective.CostPerToken,
            "latency" or "tokens_per_s_per_user" or "interactivity" => Objective.Latency,
            var o => throw new InputException($"{s.Path}.objective: unknown objective '{o}'; use step_time, cost, throughput, cost_per_token or latency"),
        };
        if (workload == WorkloadKind.Inference && objective == Objective.StepTime)
            throw new InputException($"{s.Path}.objective: '{text}' is for training; an inference scenario ranks by throughput, cost_per_token or latency");
        return objective;
    }

    /// <summary>A section or layout key of the other workload would be silently ignored; refuse it instead.</summary>
    static void RefuseOtherWorkload(MappingNode s, WorkloadKind workload)
    {
        if (workload == WorkloadKind.Rl) { RefuseNonRl(s); return; }
        if (s.Entries.ContainsKey("rl"))
            throw new InputException($"{s.Path}.rl: only an rl scenario has an 'rl' section; remove it or set workload: rl");
        bool training = workload == WorkloadKind.Training;
        string other = training ? "inference" : "training";
        if (s.Entries.ContainsKey(other))
            throw new InputException($"{s.Path}.{other}: {(training ? "a training" : "an inference")} scenario has no '{other}' section; remove it or set workload: {other}");
        if (s.Get("parallelism") is not MappingNode p) return;
        foreach (var key in training ? InferenceOnlyLayoutKeys : TrainingOnlyLayoutKeys)
            if (p.Entries.ContainsKey(key))
                throw new InputException($"{p.Path}.{key}: only {other} uses it; remove it from this {(training ? "training" : "inference")} scenario");
    }

    ModelSpec ReadModel(MappingNode s, string? baseDirectory)
    {
        var node = s.Get("model") ?? throw new InputException($"{s.Path}: missing key 'model' (a catalog name such as llama3.1-70b, or a path to a HuggingFace config.json)");
        if (node is MappingNode inline) return HfConfigReader.Read(inline, inline.OptionalString("_name_or_path") ?? "inline model", "inline config in scenario");
        return ReadModelName(s.String("model"), baseDirectory, node.Path);
    }

    /// <summary>A catalog model name or a path to a HuggingFace config.json (relative to <paramref name="baseDirectory"/>; none when it is null).</summary>
    /// <param name="where">The scenario key that names it, to begin an unknown name's message.</param>
    public ModelSpec ReadModelName(string text, string? baseDirectory, string? where = null)
    {
        if (catalog.TryModel(text, out var entry)) return entry.Spec;
        if (baseDirectory is null)
            return text.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || text.Contains('/') || text.Contains('\\')
                ? throw new InputException($"model: '{text}' names a file, and no file is read here; paste the config.json's contents under model: instead, or name a catalog model")
                : catalog.Model(text, where).Spec; // throws with a suggestion
        string path = Path.IsPathRooted(text) ? text : Path.Combine(baseDirectory, text);
        if (text.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || text.Contains('/') || File.Exists(path))
        {
            if (!File.Exists(path) && File.Exists(text)) path = text;
            return ModelReader.FromFile(path);
        }
        return catalog.Model(text, where).Spec; // throws with a suggestion
    }

    /// <param name="poolGpus">The GPUs of an RL pool on hardware of its own (the pool's size is given elsewhere); null: cluster.gpus.</param>
    (Cluster Cluster, double? Price) ReadCluster(MappingNode s, int? poolGpus = null)
    {
        var (acc, system, price) = ReadHardware(s);
        if (s.OptionalString("system") is { } sysName) system = catalog.System(sysName, s.Path + ".system");
        var c = s.OptionalMapping("cluster");
        foreach (var side in new[] { "up", "out" })
            if (c?.Get($"scale_{side}_gbps") is { } bare)
                throw new InputException($"{bare.Path}: 'gbps' reads two ways (GB/s or Gbit/s, a factor of 8); write scale_{side}_bandwidth with its unit, e.g. '{(bare as ScalarNode)?.Text} GB/s' or '{(bare as ScalarNode)?.Text} Gbit/s' (per GPU, one direction)");
        c?.RequireOnly(ClusterKeys);
        if (system is null && (c?.Has("scale_up_domain") != true || c.Has("scale_up_bandwidth") != true || c.Has("scale_out_bandwidth") != true))
            throw new InputException($"{s.Path}.hardware: inline hardware without 'base' or 'system' needs its network: set cluster.scale_up_domain, cluster.scale_up_bandwidth and cluster.scale_out_bandwidth, or name a catalog system with hardware.system");
        var from = system ?? new SystemSpec
        {
            Id = "custom", Name = "custom system", AcceleratorId = acc.Id, Sources = [],
            Tiers = Cluster.TwoTiers(1, default, default, 1),
        };
        int gpus = poolGpus ?? c?.OptionalInteger("gpus") ?? from.ScaleUp.Domain;
        if (gpus < 1) throw new InputException($"{s.Path}.cluster.gpus: must be at least 1, got {gpus}");
        if (gpus > InputLimits.MaxGpus) throw new InputException(InputLimits.OutOfRange($"{s.Path}.cluster.gpus", gpus, 1, InputLimits.MaxGpus, GpusReason));
        var cluster = Cluster.From(from, acc, gpus);
        if (c is null) return (RequireScaleOut(cluster, from, s.Path), price);
        int domain = c.OptionalInteger("scale_up_domain") ?? cluster.ScaleUpDomain;
        if (domain < 1) throw new InputException($"{c.Path}.scale_up_domain: must be at least 1, got {domain}");
        if (domain > InputLimits.MaxGpus) throw new InputException(InputLimits.OutOfRange($"{c.Path}.scale_up_domain", domain, 1, InputLimits.MaxGpus, GpusReason));
        var up = cluster.ScaleUp with
        {
            Domain = domain,
            PerGpu = Bandwidth(c, "scale_up_bandwidth") ?? cluster.ScaleUpPerGpu,
            InNetworkReduction = c.OptionalBool("in_network_reduction") ?? cluster.InNetworkReduction,
        };
        int sites = ReadSites(c, gpus, domain);
        var scaleOut = cluster.ScaleOut with { Domain = Math.Max(domain, gpus / sites), PerGpu = Bandwidth(c, "scale_out_bandwidth") ?? cluster.ScaleOutPerGpu };
        var tiers = cluster.Tiers.With(up).With(scaleOut);
        if (sites > 1)
        {
            var wan = Bandwidth(c, "wan_bandwidth", WanReason)!.Value;
            double latencyMs = c.OptionalNumber("wan_latency_ms", 0, InputLimits.MaxSeconds * 1000, "one-way latency between sites, milliseconds") ?? 0;
            tiers = tiers.With(new NetworkTierSpec(TierKind.ScaleAcross, "wide-area", gpus, wan / (gpus / sites), Seconds.FromMilliseconds(latencyMs)));
        }
        return (RequireScaleOut(cluster with { Tiers = tiers }, from, s.Path), price);
    }

    const string WanReason = "per site, one direction; 1 MB/s to a million GB/s";

    /// <summary>cluster.sites: the GPUs split evenly over sites joined by a WAN whose bandwidth and latency must be stated.</summary>
    static int ReadSites(MappingNode c, int gpus, int domain)
    {
        int sites = c.OptionalInteger("sites") ?? 1;
        if (sites < 1) throw new InputException($"{c.Path}.sites: must be at least 1, got {sites}");
        if (sites == 1)
        {
            foreach (var key in new[] { "wan_bandwidth", "wan_latency_ms" })
                if (c.Get(key) is { } n) throw new InputException($"{n.Path}: a WAN joins sites; set cluster.sites above 1 or remove {key}");
            return 1;
        }
        if (gpus % sites != 0)
            throw new InputException($"{c.Path}.sites: {sites} sites do not split the {gpus} GPUs evenly; choose a GPU count that is a multiple of {sites}");
        if (gpus / sites < domain)
            throw new InputException($"{c.Path}.sites: each site's {gpus / sites} GPUs would not fill one scale-up domain of {domain}; use fewer sites or more GPUs");
        if (!c.Has("wan_bandwidth"))
            throw new InputException($"{c.Path}.wan_bandwidth: {sites} sites need the WAN bandwidth of each site, one direction, with its unit (e.g. '10 Tbit/s')");
        if (!c.Has("wan_latency_ms"))
            throw new InputException($"{c.Path}.wan_latency_ms: {sites} sites need the one-way latency between them in milliseconds (about 5 per 1,000 km of fibre)");
        return sites;
    }

    /// <summary>A multi-site cluster trains (serving across sites is not modelled); DiLoCo needs sites and a model with enough layers to fragment.</summary>
    static void CheckSites(Scenario s, string path)
    {
        int sites = s.Cluster.Sites;
        if (sites > 1 && s.Workload != WorkloadKind.Training)
            throw new InputException($"{path}.cluster.sites: serving across sites is not modelled; serve from one site (sites: 1) and scale by replicas");
        if (s.Training is not { } job) return;
        var d = job.CrossSiteChoices?.LastOrDefault() ?? job.CrossSite;
        if (d.Method != CrossSiteMethod.DiLoCo) return;
        if (sites == 1)
            throw new InputException($"{path}.training.cross_site: DiLoCo synchronises sites; set cluster.sites above 1 (with wan_bandwidth and wan_latency_ms) or remove cross_site");
        if (d.Fragments > s.Model.Layers)
            throw new InputException($"{path}.training.diloco.fragments: {d.Fragments} fragments exceed the {s.Model.Layers} layers of {s.Model.Name}; a fragment holds at least one layer");
    }

    /// <summary>
    /// A MaxText remat policy says what each layer keeps, so it replaces the layout's recomputation and whole-layer
    /// offload; what it offloads needs host memory, and it is written for softmax attention without MLA.
    /// </summary>
    static void CheckRemat(Scenario s, string path)
    {
        if (s.Training is not { Remat: { } remat } job) return;
        string where = $"{path}.training.remat";
        if (s.Layout.Recompute is { } rc && rc != Recompute.None)
            throw new InputException($"{where}: the remat policy says what is recomputed; remove parallelism.recompute (or set it to none)");
        if (job.OffloadLayers > 0)
            throw new InputException($"{where}: the remat policy says what is offloaded; remove training.offload_layers");
        if (s.Model.Mla is not null || s.Model.LinearAttention is not null)
            throw new InputException($"{where}: MaxText's tensor names are modelled for softmax attention without MLA; {s.Model.Name} has other layers. Use parallelism.recompute instead");
        if (remat.Offloads && s.Cluster.Accelerator.HostMemory is null)
            throw new InputException($"{where}: {s.Cluster.Accelerator.Id} has no host memory tier to offload to; keep the tensors on the device or give the hardware a host_memory section");
    }

    /// <summary>Activation offload needs host memory to go to, fewer layers than the model has, and no pipeline parallelism (Megatron's rule).</summary>
    static void CheckOffload(Scenario s, string path)
    {
        if (s.Training is not { OffloadLayers: > 0 and var n }) return;
        string where = $"{path}.training.offload_layers";
        if (n >= s.Model.Layers)
            throw new InputException($"{where}: {n} layers offloaded, but {s.Model.Name} has {s.Model.Layers}; offload at most {s.Model.Layers - 1} (Megatron keeps the last layer in HBM)");
        if (s.Cluster.Accelerator.HostMemory is null)
            throw new InputException($"{where}: {s.Cluster.Accelerator.Id} has no host memory tier to offload to; remove offload_layers or give the hardware a host_memory section");
        if (s.Layout.Pp is > 1)
            throw new InputException($"{where}: Megatron offloads activations only without pipeline parallelism; set parallelism.pp: 1 or remove offload_layers");
    }

    /// <summary>
    /// optimizer_offload: the share of the optimizer Megatron-core keeps and steps on the host CPU
    /// (<c>optimizer_offload_fraction</c>), 0 to 1; 0 when absent.
    /// </summary>
    static double ReadOptimizerOffload(MappingNode t) =>
        t.OptionalNumber("optimizer_offload", 0, 1, "it is the share of the optimizer on the host CPU (Megatron's optimizer_offload_fraction), 0 to 1") ?? 0;

    /// <summary>
    /// linear_attention_tp: <c>sharded</c> (the default: the mixers' heads split over tensor parallelism, as Megatron-core's
    /// Gated DeltaNet) or <c>replicated</c> (whole on every rank, as Miles' Qwen3.5 layer); replicated needs a model with
    /// linear-attention layers.
    /// </summary>
    static bool ReadLinearAttentionTp(MappingNode t, ModelSpec model) => (t.OptionalString("linear_attention_tp") ?? "sharded").ToLowerInvariant() switch
    {
        "sharded" => false,
        "replicated" when model.LinearAttention is null =>
            throw new InputException($"{t.Path}.linear_attention_tp: {model.Name} has no linear-attention layers, so nothing is replicated; remove linear_attention_tp"),
        "replicated" => true,
        var k => throw new InputException($"{t.Path}.linear_attention_tp: unknown '{k}'; use sharded (heads split over tensor parallelism, Megatron-core's Gated DeltaNet) or replicated (whole on every rank, Miles' Qwen3.5 layer)"),
    };

    /// <summary>A catalog accelerator or system by name, or hypothetical hardware written inline.</summary>
    (Accelerator Accelerator, SystemSpec? System, double? Price) ReadHardware(MappingNode s)
    {
        var node = s.Get("hardware") ?? throw new InputException($"{s.Path}: missing key 'hardware' (an accelerator such as h100-sxm, a system such as gb200-nvl72, or a mapping such as {{base: b300, hbm_gb: 432}})");
        if (node is MappingNode inline) return InlineHardware.Read(inline, catalog);
        if (node is not ScalarNode { Text: { } hw })
            throw new InputException($"{node.Path}: expected a catalog name (such as h100-sxm) or a mapping of accelerator fields");
        if (catalog.TrySystem(hw, out var sys)) return (catalog.Accelerator(sys.AcceleratorId), sys, catalog.Price(sys.AcceleratorId));
        if (catalog.TryAccelerator(hw, out var a)) return (a, catalog.System(a.DefaultSystem), catalog.Price(a.Id));
        string hint = Suggest.Nearest(hw, catalog.Accelerators.Select(x => x.Id).Concat(catalog.Systems.Select(x => x.Id))) is { } near ? $"; did you mean '{near}'?" : "";
        throw new InputException($"{node.Path}: unknown hardware '{hw}'{hint} (run 'augur catalog list' to see all names)");
    }

    /// <summary>A per-GPU, one-direction bandwidth written with its unit, within what any interconnect delivers.</summary>
    static Bandwidth? Bandwidth(MappingNode c, string key, string reason = "GB/s per GPU, one direction; 1 MB/s to a hundred times NVLink 5")
    {
        if (c.Get(key) is not { } n) return null;
        string text = n is ScalarNode { Text: { } t } ? t : throw new InputException($"{n.Path}: expected a bandwidth such as '450 GB/s' or '400 Gbit/s'");
        if (BandwidthText.TryParse(text, out var b) is { } why) throw new InputException($"{n.Path}: {why}");
        InputLimits.Check(n.Path, b.GBps, InputLimits.MinBandwidthGBps, InputLimits.MaxBandwidthGBps, reason);
        return b;
    }

    const string GpusReason = "2^20, several times the largest announced clusters";

    /// <summary>
    /// A catalog system may lack a published scale-out figure; a cluster that spans more than one scale-up domain
    /// needs one, so the user is told the entry is incomplete and how to supply the number.
    /// </summary>
    static Cluster RequireScaleOut(Cluster c, SystemSpec system, string path)
    {
        if (c.ScaleUpPerGpu.GBps <= 0) throw new InputException(Incomplete(path, system, "scale-up", "scale_up_bandwidth"));
        if (c.ScaleOutPerGpu.GBps <= 0 && c.Gpus > c.ScaleUpDomain) throw new InputException(Incomplete(path, system, "scale-out (data-centre network)", "scale_out_bandwidth"));
        return c;
    }

    static string Incomplete(string path, SystemSpec system, string link, string key) =>
        $"{path}.cluster: the catalog entry '{system.Id}' is incomplete: it has no published {link} bandwidth per GPU; set cluster.{key} (per GPU, one direction, with its unit, e.g. '50 GB/s') from your provider's figure";

    static LayoutSpec ReadLayout(MappingNode? p)
    {
        if (p is null) return new LayoutSpec();
        p.RequireOnly(LayoutKeys);
        int? Positive(string key)
        {
            int? v = p.OptionalInteger(key);
            if (v is < 1) throw new InputException($"{p.Path}.{key}: must be a positive whole number, got {v}");
            int max = key == "microbatch" ? InputLimits.MaxSequences : InputLimits.MaxGpus;
            return p.OptionalInteger(key, 1, max, key == "microbatch" ? "at most the largest global batch" : "at most the largest cluster");
        }
        int? zero = p.OptionalInteger("zero");
        if (p.OptionalBool("fsdp") == true) zero = 3;
        if (zero is { } z && ParallelLayout.ZeroStageError(z, $"{p.Path}.zero: ") is { } bad) throw new InputException(bad);
        Recompute? recompute = ReadRecompute(p);
        int? recomputeLayers = p.OptionalInteger("recompute_layers", 1, InputLimits.MaxModelCount, "no model has that many layers");
        if (recomputeLayers is not null && recompute != Recompute.Full)
            throw new InputException($"{p.Path}.recompute_layers: counts the layers full recomputation reruns; set recompute: full or remove recompute_layers");
        return new LayoutSpec
        {
            Tp = Positive("tp"), Pp = Positive("pp"), Vp = Positive("vp"), Dp = Positive("dp"), Cp = Positive("cp"),
            Ep = Positive("ep"), Etp = Positive("etp"), Sp = p.OptionalBool("sp"), Zero = zero,
            MicroBatch = Positive("microbatch"), Recompute = recompute, DpAttention = Positive("dp_attention"),
            OverlapExperts = p.OptionalBool("ep_overlap"), RecomputeLayers = recomputeLayers,
        };
    }

    /// <summary>
    /// A setting given as names, in a list or joined with '+' or ',', lower-cased; null when absent. <paramref name="listHint"/>
    /// answers a list item that is not a name, <paramref name="formHint"/> a value of another form.
    /// </summary>
    static List<string>? NameList(MappingNode n, string key, string listHint, string formHint)
    {
        string path = n.Path + "." + key;
        IEnumerable<string>? names = n.Get(key) switch
        {
            null => null,
            ScalarNode { Text: { } t } => t.Split(['+', ','], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries),
            SequenceNode seq => seq.Items.Select(i => i is ScalarNode { Text: { } t } ? t : throw new InputException($"{path}: {listHint}")),
            _ => throw new InputException($"{path}: {formHint}"),
        };
        return names?.Select(name => name.ToLowerInvariant()).ToList();
    }

    /// <summary>
    /// parallelism.recompute: none | selective | full, or Megatron-core module names as a list or joined with '+' or ','
    /// (core_attn, mla_up_proj, layernorm, moe_act, mlp, moe, shared_experts).
    /// </summary>
    static Recompute? ReadRecompute(MappingNode p) => ReadParts(p, "recompute", "module", "[mla_up_proj, mlp]",
        [(["none", "off", "false"], Recompute.None), (["selective"], Recompute.Selective), (["full", "true"], Recompute.Full)],
        RecomputeNames.ModuleNames, RecomputeNames.Module, " (core_attn is selective's)");

    /// <summary>
    /// A setting written as one whole value (each of <paramref name="wholes"/> under its names, the first shown) or as
    /// named parts combined, in a list or joined with '+' or ',' (recompute modules, CUDA-graph scopes); null when absent.
    /// </summary>
    static T? ReadParts<T>(MappingNode n, string key, string part, string example, (string[] Names, T Value)[] wholes,
        IEnumerable<string> partNames, Func<string, T?> flag, string wholeNote = "") where T : struct, Enum
    {
        string path = n.Path + "." + key, shown = string.Join(", ", wholes.Select(w => w.Names[0]));
        if (NameList(n, key, $"list {part}s, e.g. {example}", $"use {shown} or a list of {part}s such as {example}") is not { } list) return null;
        if (list.Count == 0) throw new InputException($"{path}: the list is empty; use {shown}, or name {part}s such as {example}");
        if (list.Count == 1)
            foreach (var (names, value) in wholes)
                if (names.Contains(list[0])) return value;
        int bits = 0;
        foreach (var name in list)
        {
            if (wholes.Any(w => w.Names.Contains(name)))
                throw new InputException($"{path}: '{name}' is a whole setting and cannot be listed with {part}s; list {part}s only{wholeNote}");
            if (flag(name) is not { } f)
            {
                string hint = Suggest.Nearest(name, [.. wholes.Select(w => w.Names[0]), .. partNames]) is { } near ? $"did you mean '{near}'? " : "";
                throw new InputException($"{path}: unknown {part} '{name}'; {hint}use {shown} or {part}s from {string.Join(", ", partNames)}");
            }
            bits |= Convert.ToInt32(f, System.Globalization.CultureInfo.InvariantCulture);
        }
        return (T)Enum.ToObject(typeof(T), bits);
    }

    static TrainingJob ReadTraining(MappingNode t, Precision precision, ModelSpec model)
    {
        t.RequireOnly(TrainingKeys);
        int seq = t.Integer("seq_len"), batch = t.Integer("global_batch");
        if (seq < 1) throw new InputException($"{t.Path}.seq_len: must be positive, got {seq}");
        if (batch < 1) throw new InputException($"{t.Path}.global_batch: must be positive, got {batch}");
        t.OptionalInteger("seq_len", 1, InputLimits.MaxSequenceTokens, "far beyond any context window");
        t.OptionalInteger("global_batch", 1, InputLimits.MaxSequences, "thousands of times the batches large runs use");
        double? tokens = t.OptionalNumber("tokens"), flops = t.OptionalNumber("flops");
        if (tokens is <= 0 || flops is <= 0) throw new InputException($"{t.Path}: tokens and flops budgets must be positive");
        t.OptionalNumber("tokens", 1, InputLimits.MaxTrainingTokens, "thousands of times the largest published pretraining runs");
        t.OptionalNumber("flops", 1, InputLimits.MaxFlops, "a million times the largest training runs to date");
        var kernel = (t.OptionalString("attention") ?? "flash").ToLowerInvariant() switch
        {
            "flash" or "fused" => AttentionKernel.Flash,
            "unfused" or "eager" => AttentionKernel.Unfused,
            "flash2" or "fa2" => AttentionKernel.Flash2,
            var k => throw new InputException($"{t.Path}.attention: unknown kernel '{k}'; use flash, flash2 or unfused"),
        };
        var crossSite = ReadCrossSite(t);
        return new TrainingJob
        {
            SeqLen = seq, GlobalBatch = batch, Precision = precision, TokenBudget = tokens, FlopBudget = flops,
            AttentionKernel = kernel, OverlapDataParallel = t.OptionalBool("overlap_dp") ?? true, Routing = ReadRouting(t),
            MtpLayers = t.OptionalInteger("mtp_layers", 0, 16, "DeepSeek-V3 trains one; Megatron's --mtp-num-layers") ?? 0,
            CrossSite = crossSite.Method, CrossSiteChoices = crossSite.Choices, GradientPrecision = ReadGradientPrecision(t, precision),
            OptimizerPrecision = (t.OptionalString("optimizer_precision") ?? "fp32").ToLowerInvariant() switch
            {
                "fp32" => null,
                "bf16" => Precision.BF16,
                var k => throw new InputException($"{t.Path}.optimizer_precision: '{k}' is not an optimizer precision; use fp32 (fp32 master weights and moments, the default) or bf16 (bf16 parameters with no master copy, bf16 moments)"),
            },
            OffloadLayers = t.OptionalInteger("offload_layers", 0, InputLimits.MaxModelCount, "no model has that many layers") ?? 0,
            OptimizerOffload = ReadOptimizerOffload(t),
            FusedCrossEntropy = t.OptionalBool("fused_cross_entropy") ?? false,
            GatherAfterBackward = (t.OptionalString("backward_prefetch") ?? "pre").ToLowerInvariant() switch
            {
                "pre" => false,
                "post" => true,
                var k => throw new InputException($"{t.Path}.backward_prefetch: unknown '{k}'; use pre (gather ahead, the default) or post (torch FSDP's BACKWARD_POST)"),
            },
            ExpertCapacityFactor = ReadCapacityFactor(t),
            Dispatcher = ReadDispatcher(t),
            ContextParallelComm = (t.OptionalString("cp_comm") ?? "p2p").ToLowerInvariant() switch
            {
                "p2p" => ContextParallelComm.P2P,
                "a2a" => ContextParallelComm.AllToAll,
                var k => throw new InputException($"{t.Path}.cp_comm: unknown '{k}'; use p2p (ring attention, Megatron's default) or a2a (all-to-all over heads, DeepSpeed-Ulysses)"),
            },
            Remat = ReadRemat(t),
            LogitChunks = t.OptionalInteger("vocab_tiling", 1, 1024, "MaxText's num_vocab_tiling splits the logits into a few chunks (its 405B recipes use 4)") ?? 1,
            CudaGraphs = ReadCudaGraphs(t),
            Lora = ReadLora(t, precision),
            Fp8ActivationStore = t.OptionalBool("fp8_activation_store") ?? false,
            ReplicatedLinearAttention = ReadLinearAttentionTp(t, model),
            Fp8Attention = t.OptionalBool("fp8_attention") switch
            {
                true when precision is not (Precision.FP8 or Precision.FP4) => throw new InputException($"{t.Path}.fp8_attention: FP8 attention runs inside an FP8 or FP4 recipe; set precision: fp8 or remove fp8_attention"),
                var on => on ?? false,
            },
        };
    }

    /// <summary>LoRA's adapters are costed on a standard attention block and dense MLPs: say so where a model has neither.</summary>
    static void CheckLora(Scenario s, string path)
    {
        if (s.Training?.Lora is not { } lora) return;
        string where = path + ".training.lora.targets";
        if (s.Model.Moe is not null && (lora.Targets & (LoraTargets.Fc1 | LoraTargets.Fc2)) != 0)
            throw new InputException($"{where}: adapters on {s.Model.Name}'s experts are not modelled; target the attention projections, [qkv, proj]");
        if ((s.Model.Mla is not null || s.Model.LinearAttention is not null) && (lora.Targets & LoraTargets.Attention) != 0)
            throw new InputException($"{where}: adapters on {s.Model.Name}'s {(s.Model.Mla is not null ? "latent" : "linear")} attention are not modelled; target the MLP, [fc1, fc2], or choose a model with standard attention");
        if (s.Layout.Zero is 3)
            throw new InputException($"{path}.parallelism.zero: LoRA with FSDP (zero 3) is not modelled; use zero 0 or 1");
    }

    /// <summary>training.lora: {rank, targets (linear_qkv, linear_proj, linear_fc1, linear_fc2 as qkv, proj, fc1, fc2), base_weights}.</summary>
    static LoraSpec? ReadLora(MappingNode t, Precision precision)
    {
        if (t.Get("lora") is null) return null;
        var n = t.OptionalMapping("lora") ?? throw new InputException($"{t.Path}.lora: give a mapping, e.g. {{rank: 16, targets: [qkv, proj]}}");
        n.RequireOnly("rank", "targets", "base_weights");
        int rank = n.OptionalInteger("rank", 1, 65536, "a low-rank adapter's rank is a few to a few hundred") ?? LoraSpec.DefaultRank;
        var targets = ReadParts(n, "targets", "target", "[qkv, proj]", [(["all"], LoraTargets.All), (["attention"], LoraTargets.Attention)],
            LoraSpec.TargetNames, LoraSpec.Target) ?? LoraTargets.All;
        bool fp8Base = (n.OptionalString("base_weights") ?? "bf16").ToLowerInvariant() switch
        {
            "bf16" or "fp16" => false,
            "fp8" when precision is Precision.FP8 or Precision.FP4 => true,
            "fp8" => throw new InputException($"{n.Path}.base_weights: FP8 base weights need an FP8 or FP4 recipe; set precision: fp8 or remove base_weights"),
            var k => throw new InputException($"{n.Path}.base_weights: unknown '{k}'; use bf16 (the default) or fp8 (NeMo's fp8_params)"),
        };
        return new LoraSpec { Rank = rank, Targets = targets, Fp8BaseWeights = fp8Base };
    }

    /// <summary>
    /// training.remat: a MaxText remat_policy by name, or a mapping of its checkpoint names to remat, device or offload
    /// (remat_policy: custom; names left out are recomputed, the layer input kept on the device).
    /// </summary>
    static RematPolicy? ReadRemat(MappingNode t)
    {
        string where = t.Path + ".remat";
        switch (t.Get("remat"))
        {
            case null: return null;
            case ScalarNode { Text: { } name }:
                return RematPolicy.Named(name.ToLowerInvariant()) ?? throw new InputException(
                    $"{where}: unknown MaxText remat policy '{name}'; use {string.Join(", ", RematPolicy.PolicyNames)}, or a mapping of tensor names to remat, device or offload (remat_policy: custom)");
            case MappingNode m:
                m.RequireOnly(RematPolicy.Names);
                var choices = new Dictionary<string, RematChoice>();
                foreach (var name in RematPolicy.Names)
                {
                    if (m.OptionalString(name) is not { } text) continue;
                    choices[name] = text.ToLowerInvariant() switch
                    {
                        "remat" => RematChoice.Remat,
                        "device" => RematChoice.Device,
                        "offload" => RematChoice.Offload,
                        _ => throw new InputException($"{where}.{name}: '{text}' is not a choice; use remat, device or offload"),
                    };
                }
                if (choices.TryGetValue("decoder_layer_input", out var input) && input == RematChoice.Remat)
                    throw new InputException($"{where}.decoder_layer_input: the layer input cannot be recomputed (it is where recomputation starts); use device or offload");
                return RematPolicy.Custom(choices);
            default:
                throw new InputException($"{where}: expected a policy name such as full or save_qkv_proj, or a mapping such as {{decoder_layer_input: offload, query_proj: device}}");
        }
    }

    /// <summary>
    /// training.capacity_factor: MaxText's capacity_factor with sparse_matmul off (slots per expert per sequence, reached by
    /// einsum). Positive; MaxText's -1 (dropless) is the default and is written by leaving the key out.
    /// </summary>
    static double? ReadCapacityFactor(MappingNode t)
    {
        if (t.OptionalNumber("capacity_factor") is not { } cf) return null;
        return cf is > 0 and <= InputLimits.MaxCapacityFactor ? cf
            : throw new InputException($"{t.Path}.capacity_factor: {cf.ToString(System.Globalization.CultureInfo.InvariantCulture)} is not a capacity factor; use a number in (0, {InputLimits.MaxCapacityFactor}] (MaxText's recipes use 1.0-1.25), or leave the key out for a dropless dispatcher");
    }

    /// <summary>
    /// training.cuda_graphs: none (Megatron's default), full (the local implementation's full_iteration), or Transformer
    /// Engine's per-layer scopes as a list or joined with '+' or ',' (attn, mlp, moe_router, moe_preprocess), checked as
    /// Megatron-core checks them (transformer_config.py @ core_v0.16.0).
    /// </summary>
    static CudaGraphScopes ReadCudaGraphs(MappingNode t)
    {
        string path = t.Path + ".cuda_graphs";
        var scopes = ReadParts(t, "cuda_graphs", "scope", "[attn, moe_router, moe_preprocess]",
            [(["none", "off", "false"], CudaGraphScopes.None), (["full", "full_iteration"], CudaGraphScopes.FullIteration)], CudaGraphNames.ScopeNames,
            n => n == "moe" ? throw new InputException($"{path}: Megatron captures the whole MoE layer only with drop-and-pad routing, and Augur models dropless MoE; use [moe_router, moe_preprocess]")
                : CudaGraphNames.Scope(n)) ?? CudaGraphScopes.None;
        if ((scopes & CudaGraphScopes.MoePreprocess) != 0 && (scopes & CudaGraphScopes.MoeRouter) == 0)
            throw new InputException($"{path}: moe_preprocess is captured only with moe_router (Megatron-core's rule); add moe_router");
        return scopes;
    }

    /// <summary>A dispatcher other than the default needs routed experts to send tokens to; <paramref name="section"/> holds the key.</summary>
    static ExpertDispatcher RequireExperts(ExpertDispatcher d, ModelSpec model, string section) =>
        d != ExpertDispatcher.AllToAll && model.Moe is null
            ? throw new InputException($"{section}.dispatcher: {model.Name} has no experts; remove dispatcher (it says how an MoE layer sends tokens to its experts)")
            : d;

    /// <summary>training.dispatcher (and rl.trainer.dispatcher): how an MoE layer's tokens reach their experts.</summary>
    static ExpertDispatcher ReadDispatcher(MappingNode t) => (t.OptionalString("dispatcher") ?? "alltoall").ToLowerInvariant() switch
    {
        "alltoall" => ExpertDispatcher.AllToAll,
        "deepep" => ExpertDispatcher.DeepEp,
        "hybridep" => ExpertDispatcher.HybridEp,
        "allgather" => ExpertDispatcher.AllGather,
        var k => throw new InputException($"{t.Path}.dispatcher: unknown '{k}'; use alltoall (Megatron's, every token-expert pair sent straight, the default), deepep (DeepEP's normal kernels: once per remote node, then over NVLink), hybridep (HybridEP on NVL72: once per remote NVLink domain) or allgather (Megatron's: every token to every rank of the group)"),
    };

    /// <summary>
    /// training.grad_precision: fp32 (main gradients, the default outside fp16 training) or the 16-bit type the weights
    /// are kept in (bf16, or fp16 in fp16 training), as Megatron-core's grad_reduce_in_fp32 chooses.
    /// </summary>
    static Precision? ReadGradientPrecision(MappingNode t, Precision precision)
    {
        if (t.OptionalString("grad_precision") is not { } text) return null;
        var sixteen = precision == Precision.FP16 ? Precision.FP16 : Precision.BF16;
        return PrecisionInfo.TryParse(text, out var p) && (p == Precision.FP32 || p == sixteen) ? p
            : throw new InputException($"{t.Path}.grad_precision: '{text}' is not a gradient buffer precision for {precision.ToString().ToLowerInvariant()} training; use fp32 or {sixteen.ToString().ToLowerInvariant()}");
    }

    /// <summary>
    /// training.cross_site: synchronous (default), diloco (its knobs in training.diloco), or auto: plan chooses between
    /// synchronous and DiLoCo at each H listed in diloco.inner_steps (a number or a list).
    /// </summary>
    static (CrossSiteTraining Method, IReadOnlyList<CrossSiteTraining>? Choices) ReadCrossSite(MappingNode t)
    {
        string text = (t.OptionalString("cross_site") ?? "synchronous").ToLowerInvariant();
        if (text is not ("synchronous" or "sync" or "diloco" or "auto"))
            throw new InputException($"{t.Path}.cross_site: unknown method '{text}'; use synchronous (hierarchical all-reduce every step), diloco (H inner steps between outer synchronisations) or auto (plan chooses; DiLoCo changes the optimisation)");
        var d = t.OptionalMapping("diloco");
        if (text is "synchronous" or "sync")
        {
            if (d is not null) throw new InputException($"{d.Path}: set training.cross_site: diloco (or auto) to use it, or remove the section");
            return (CrossSiteTraining.Synchronous, null);
        }
        if (d is null) throw new InputException($"{t.Path}.diloco: cross_site: {text} needs a diloco section with inner_steps (H, e.g. 100)");
        d.RequireOnly(DiLoCoKeys);
        var steps = InnerSteps(d, allowList: text == "auto");
        int bits = d.OptionalInteger("outer_bits") ?? 16;
        if (bits is not (16 or 8 or 4)) throw new InputException($"{d.Path}.outer_bits: {bits} is not an exchange precision; use 16 (bf16), 8 (fp8) or 4 (fp4/int4)");
        int fragments = d.OptionalInteger("fragments") ?? 1;
        int overlap = d.OptionalInteger("overlap_steps") ?? 0;
        var options = steps.Select(h =>
        {
            if (fragments < 1 || fragments > h)
                throw new InputException($"{d.Path}.fragments: must be between 1 and inner_steps ({h}), got {fragments}; one fragment travels every inner_steps/fragments steps");
            if (overlap < 0 || overlap >= h)
                throw new InputException($"{d.Path}.overlap_steps: must be between 0 and inner_steps − 1 ({h - 1}), got {overlap}");
            return new CrossSiteTraining { Method = CrossSiteMethod.DiLoCo, InnerSteps = h, OuterBits = bits, Fragments = fragments, OverlapSteps = overlap };
        }).ToList();
        return text == "auto" ? (CrossSiteTraining.Synchronous, [CrossSiteTraining.Synchronous, .. options]) : (options[0], null);
    }

    /// <summary>diloco.inner_steps: H ≥ 1, or for auto a list of candidates.</summary>
    static IReadOnlyList<int> InnerSteps(MappingNode d, bool allowList)
    {
        string path = d.Path + ".inner_steps";
        var values = d.Get("inner_steps") switch
        {
            null => throw new InputException($"{path}: missing; give H, the inner steps between outer synchronisations (e.g. 100)"),
            SequenceNode seq when allowList && seq.Items.Count > 0 => seq.Items.Select(i => i is ScalarNode { Text: { } x } && int.TryParse(x, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out int v) ? v
                : throw new InputException($"{path}: list whole numbers of steps, e.g. [30, 100, 300]")).ToList(),
            SequenceNode => throw new InputException($"{path}: a list of H is for cross_site: auto (plan chooses); give one number"),
            _ => [d.Integer("inner_steps")],
        };
        foreach (int h in values)
        {
            if (h < 1) throw new InputException($"{path}: must be at least 1, got {h}");
            if (h > 1_000_000) throw new InputException(InputLimits.OutOfRange(path, h, 1, 1_000_000, "DiLoCo runs use tens to thousands"));
        }
        return values;
    }

    /// <summary>
    /// Speculative decoding as a serving engine runs it: draft_tokens drafted per decode step (0: none) and the chance
    /// each is accepted; one reading for inference scenarios and RL generators.
    /// </summary>
    static (int Draft, double Acceptance) ReadSpeculation(MappingNode m)
    {
        int draft = m.OptionalInteger("draft_tokens", 0, 64, "speculative decoding drafts a handful of tokens per step") ?? 0;
        double? given = m.OptionalNumber("acceptance");
        if (given is { } a && a is < 0 or >= 1) throw new InputException(FormattableString.Invariant($"{m.Path}.acceptance: must be in [0, 1), got {a}"));
        if (given is not null && draft == 0)
            throw new InputException($"{m.Path}.acceptance: is the chance a drafted token is accepted, but draft_tokens is 0 or missing; add draft_tokens or remove acceptance");
        return (draft, given ?? 0);
    }

    /// <summary>routing: random (default) or balanced (force-balanced benchmarks).</summary>
    static ExpertRoutingMode ReadRouting(MappingNode section) => (section.OptionalString("routing") ?? "random").ToLowerInvariant() switch
    {
        "random" => ExpertRoutingMode.Random,
        "balanced" => ExpertRoutingMode.Balanced,
        var r => throw new InputException($"{section.Path}.routing: unknown mode '{r}'; use random (a balancer's per-batch spread) or balanced (forced even routing)"),
    };

    /// <summary>sampling: greedy, random (temperature sampling) or logprobs (temperature sampling returning each token's log-probability).</summary>
    internal static SamplingMode ReadSampling(MappingNode section, SamplingMode fallback) => section.OptionalString("sampling")?.ToLowerInvariant() switch
    {
        null => fallback,
        "greedy" => SamplingMode.Greedy,
        "random" => SamplingMode.Random,
        "logprobs" => SamplingMode.RandomWithLogprobs,
        var m => throw new InputException($"{section.Path}.sampling: unknown mode '{m}'; use greedy (temperature 0), random (temperature sampling) or logprobs (temperature sampling that returns each token's log-probability, as RL rollouts do)"),
    };

    static InferenceJob ReadInference(MappingNode i)
    {
        i.RequireOnly(InferenceKeys);
        int input = i.Integer("input_tokens"), output = i.Integer("output_tokens");
        if (input < 1 || output < 1) throw new InputException($"{i.Path}: input_tokens and output_tokens must be positive");
        if (input > MaxSequenceTokens || output > MaxSequenceTokens)
            throw new InputException(FormattableString.Invariant($"{i.Path}: input_tokens and output_tokens must be at most {MaxSequenceTokens:N0} each (no model holds a longer sequence)"));
        int? conc = i.OptionalInteger("concurrency");
        if (conc is < 1) throw new InputException($"{i.Path}.concurrency: must be positive, got {conc}");
        i.OptionalInteger("concurrency", 1, InputLimits.MaxSequences, "sequences per replica; no GPU holds more");
        double hit = i.OptionalNumber("prefix_hit_rate") ?? 0;
        if (hit is < 0 or >= 1) throw new InputException($"{i.Path}.prefix_hit_rate: must be in [0, 1), got {hit}");
        double frac = i.OptionalNumber("memory_fraction") ?? InferenceJob.DefaultMemoryFraction;
        if (frac is <= 0 or > 1) throw new InputException($"{i.Path}.memory_fraction: must be in (0, 1], got {frac}");
        double inputCv = LengthCv(i, "input_tokens_cv"), outputCv = LengthCv(i, "output_tokens_cv");
        var (draft, acc) = ReadSpeculation(i);
        // Omitted or "auto": estimate serves aggregated, plan searches both modes.
        string modeText = (i.OptionalString("mode") ?? "auto").ToLowerInvariant();
        var mode = modeText switch
        {
            "aggregated" or "colocated" or "auto" => ServingMode.Aggregated,
            "disaggregated" or "pd" => ServingMode.Disaggregated,
            var m => throw new InputException($"{i.Path}.mode: unknown mode '{m}'; use aggregated, disaggregated or auto"),
        };
        double? target = i.OptionalNumber("target_output_tokens_per_s");
        if (target is <= 0) throw new InputException(FormattableString.Invariant($"{i.Path}.target_output_tokens_per_s: must be positive, got {target}"));
        int? prefill = i.OptionalInteger("prefill_gpus"), decode = i.OptionalInteger("decode_gpus");
        if (prefill is < 1 || decode is < 1) throw new InputException($"{i.Path}: prefill_gpus and decode_gpus must be positive");
        i.OptionalInteger("prefill_gpus", 1, InputLimits.MaxGpus, GpusReason);
        i.OptionalInteger("decode_gpus", 1, InputLimits.MaxGpus, GpusReason);
        if ((prefill is null) != (decode is null))
            throw new InputException($"{i.Path}: give prefill_gpus and decode_gpus together (or neither, to let Augur balance the two pools)");
        double? ttft = i.OptionalNumber("ttft_ms"), tpot = i.OptionalNumber("tpot_ms");
        if (ttft is <= 0 || tpot is <= 0) throw new InputException($"{i.Path}: ttft_ms and tpot_ms must be positive");
        i.OptionalNumber("ttft_ms", 1e-3, InputLimits.MaxSeconds * 1000, "a microsecond to 32 years");
        i.OptionalNumber("tpot_ms", 1e-3, InputLimits.MaxSeconds * 1000, "a microsecond to 32 years");
        double? percentile = i.OptionalNumber("slo_percentile");
        if (percentile is { } pc && !(pc > 0 && pc < 100))
            throw new InputException(FormattableString.Invariant($"{i.Path}.slo_percentile: must be between 0 and 100 (exclusive), got {pc}; 99 bounds the 99th percentile over requests, leave it out to bound the mean"));
        if (percentile is not null && tpot is null && ttft is null)
            throw new InputException($"{i.Path}.slo_percentile: bounds ttft_ms and tpot_ms, and neither is set; add one or remove slo_percentile");
        return new InferenceJob
        {
            InputTokens = input, OutputTokens = output, InputTokensCv = inputCv, OutputTokensCv = outputCv, Concurrency = conc, Routing = ReadRouting(i),
            KvPrecision = ParsePrecision(i.OptionalString("kv_precision") ?? "bf16", i.Path + ".kv_precision"),
            ExpertPrecision = i.OptionalString("expert_precision") is { } ep ? ParsePrecision(ep, i.Path + ".expert_precision") : null,
            WeightFormat = i.OptionalString("weight_precision") is { } wp ? ParseWeightFormat(wp, i.Path + ".weight_precision") : null,
            ExpertWeightFormat = i.OptionalString("expert_weight_precision") is { } ewp ? ParseWeightFormat(ewp, i.Path + ".expert_weight_precision") : null,
            PrefixHitRate = hit, Mode = mode, PrefillGpus = prefill, DecodeGpus = decode,
            TtftLimit = ttft / 1000.0, TpotLimit = tpot / 1000.0, SloPercentile = percentile, MemoryFraction = frac,
            DraftTokens = draft, Acceptance = acc,
            ModeFixed = modeText != "auto", TargetOutputTokensPerSecond = target,
            CudaGraphs = i.OptionalBool("cuda_graphs") ?? true, Sampling = ReadSampling(i, SamplingMode.Greedy),
            Requests = i.OptionalInteger("requests", 1, InputLimits.MaxSimulatedRequests, "an offline benchmark queues thousands; the simulator serves a million in seconds"),
        };
    }

    /// <summary>
    /// expert_precision needs routed experts and tensor cores of that precision; expert_weight_precision needs routed
    /// experts; a stored weight format may not be wider than the GEMM that dequantizes it.
    /// </summary>
    static InferenceJob CheckExperts(InferenceJob job, ModelSpec model, Cluster cluster, Precision precision, string path)
    {
        if (model.Moe is null && (job.ExpertPrecision is not null || job.ExpertWeightFormat is not null))
            throw new InputException($"{path}.{(job.ExpertPrecision is not null ? "expert_precision" : "expert_weight_precision")}: {model.Name} has no routed experts; set the precision of every weight with the top-level 'precision' (or inference.weight_precision)");
        if (job.ExpertPrecision is { } p && !cluster.Accelerator.Supports(p))
            throw new InputException($"{path}.expert_precision: {NoTensorCores(cluster.Accelerator, p)}; to store the experts in it and multiply at '{precision.Label()}', use expert_weight_precision");
        CheckWeightWidth(job.WeightFormat, precision, $"{path}.weight_precision", "precision");
        CheckWeightWidth(job.ExpertWeightFormat, job.ExpertGemm(precision), $"{path}.expert_weight_precision", job.ExpertPrecision is null ? "precision" : "inference.expert_precision");
        return job;
    }

    /// <summary>
    /// The limits of the engine inference.engine names on the cluster's accelerator. When none is named the batch limits
    /// are vllm's but the iteration is the calibrated overlap-scheduled engine's, without vLLM's synchronous host time
    /// per sequence: an unnamed engine is not assumed to be vLLM's scheduler.
    /// </summary>
    InferenceJob WithEngine(InferenceJob job, MappingNode i, Cluster cluster)
    {
        string? named = i.OptionalString("engine");
        var (engine, limits) = EngineLimits((named ?? ServingLimits.Default.Engine).ToLowerInvariant(), cluster.Accelerator, i.Path + ".engine", "set inference.concurrency instead");
        if (named is null) limits = limits with { HostPerSequence = Seconds.Zero };
        if (!job.CudaGraphs && named is null)
            throw new InputException($"{i.Path}.cuda_graphs: false costs the engine's own host time per layer; name the engine (engine: {EagerEngines()})");
        RequireEagerCost(job.CudaGraphs, limits, cluster.Accelerator, i.Path);
        return job with
        {
            Limits = WithSettings(limits, i),
            // An unnamed engine is not assumed to run vLLM's kernels either.
            EngineLinear = named is null ? null : EngineKernels(engine, cluster.Accelerator),
        };
    }

    /// <summary>
    /// An eager step (cuda_graphs: false) is costed from the engine's measured host time per layer: an engine without one
    /// is refused, and so is an accelerator that runs no CUDA or HIP graphs to turn off (TPU, Trainium, Gaudi compile the
    /// step instead). <paramref name="fix"/> ends the refusal; null = name an engine that measures it.
    /// </summary>
    void RequireEagerCost(bool cudaGraphs, ServingLimits limits, Accelerator a, string path, string? fix = null)
    {
        if (cudaGraphs) return;
        if (!a.Family.StartsWith("nvidia", StringComparison.Ordinal) && !a.Family.StartsWith("amd", StringComparison.Ordinal))
            throw new InputException($"{path}.cuda_graphs: false turns off CUDA or HIP graphs, which {a.Id} ({a.Family}) does not run; remove cuda_graphs");
        if (limits.EagerHostPerLayer <= Seconds.Zero)
            throw new InputException($"{path}.cuda_graphs: false is costed from the host time an eager step takes per layer, which catalog/frameworks records for {EagerEngines()} only, not {limits.Engine}; {fix ?? $"name one of those engines ({EagerEngines()}) or remove cuda_graphs"}");
    }

    /// <summary>The engines whose catalog entry measures an eager step's host time per layer.</summary>
    string EagerEngines() => string.Join(", ", catalog.Frameworks.SelectMany(f => f.Engines).Where(e => e.EagerHostPerLayer > Seconds.Zero).Select(e => e.Id).Order(StringComparer.Ordinal));

    /// <summary>
    /// The engine's limits with the ones the scenario sets, as a launch command would (vLLM --max-num-seqs and
    /// --max-num-batched-tokens, TensorRT-LLM max_batch_size and max_num_tokens, SGLang --max-running-requests and
    /// --chunked-prefill-size): max_batch caps the sequences of one attention group, max_num_tokens the prompt tokens one
    /// iteration of it may prefill. trtllm-bench sizes both itself only when neither is given, so it takes both or none.
    /// mixed_prefill says whether a prefill iteration also decodes the running sequences (vLLM V0's
    /// enable_chunked_prefill, SGLang's --enable-mixed-chunk), where the launch differs from the engine's default.
    /// async_scheduling says whether the engine schedules the next step while the GPU runs this one (vLLM's
    /// --async-scheduling, its default from 0.14), so its per-sequence host time costs only what exceeds the GPU's.
    /// </summary>
    static ServingLimits WithSettings(ServingLimits limits, MappingNode i)
    {
        if (i.OptionalBool("mixed_prefill") is { } mixed) limits = limits with { MixedPrefill = mixed };
        if (i.OptionalBool("async_scheduling") is { } overlap) limits = limits with { HostOverlapsGpu = overlap };
        int? batch = i.OptionalInteger("max_batch", 1, InputLimits.MaxSequences, "one engine runs at most that many sequences");
        int? tokens = i.OptionalInteger("max_num_tokens", 1, InputLimits.MaxSequenceTokens, "one iteration schedules at most that many tokens");
        if (batch is null && tokens is null) return limits;
        if (limits.BenchTuning is not null && (batch is null || tokens is null))
            throw new InputException($"{i.Path}: trtllm-bench sizes max_batch and max_num_tokens itself unless both are given; give both, or neither");
        return limits with { MaxBatch = batch ?? limits.MaxBatch, TokenBudget = tokens ?? limits.TokenBudget, BenchTuning = null };
    }

    /// <summary>The engine's own measured kernels, where a shipped table it names measured them for <paramref name="a"/>; else null.</summary>
    EngineLinearKernels? EngineKernels(ServingEngineSpec engine, Accelerator a)
    {
        var table = engine.LinearKernels.Select(id => catalog.Measurement(id)).FirstOrDefault(m => m?.Serves?.Covers(a.KernelId) == true);
        return table is null ? null : new EngineLinearKernels(table, catalog.Accelerator(table.AcceleratorId));
    }

    /// <summary>A serving engine's catalog entry and the limits it applies on <paramref name="a"/>; <paramref name="fix"/> ends the line when it records none.</summary>
    (ServingEngineSpec Engine, ServingLimits Limits) EngineLimits(string id, Accelerator a, string path, string fix)
    {
        var engine = catalog.ServingEngine(id, path);
        return (engine, engine.For(a) ?? throw new InputException($"{path}: {id} records no defaults for {a.Id}; {fix}"));
    }

    /// <summary>Weight-only quantization stores weights no wider than the GEMM that multiplies them.</summary>
    static void CheckWeightWidth(WeightFormat? format, Precision gemm, string path, string gemmKey)
    {
        if (format is null || format.ElementBits <= 8 * gemm.BytesPerElement()) return;
        throw new InputException($"{path}: {format.Label} weights are wider than the {gemm.Label()} GEMMs that use them ({gemmKey}); store them in {gemm.Label()} or narrower, or raise {gemmKey}");
    }

    static void CheckBf16(Accelerator a)
    {
        if (!a.Supports(Precision.BF16))
            throw new InputException(a.Unknown(Precision.BF16)
                ? Unpublished(a, Precision.BF16, "the LM head and embedding run in BF16 at any precision")
                : $"{a.Name} ({a.Id}) has no BF16 rate, and the LM head and embedding run in BF16 at any precision; add dense_tflops: {{bf16: N}} (dense TFLOP/s) to the hardware mapping, or give a base accelerator that has one");
    }

    /// <summary>What an accelerator lacks, and the precisions it has.</summary>
    static string NoTensorCores(Accelerator a, Precision p) =>
        a.Unknown(p) ? Unpublished(a, p, $"this scenario runs {p.Label()}")
        : $"{a.Id} has no {p.Label()} tensor cores; choose one of: {string.Join(", ", Enum.GetValues<Precision>().Where(a.Supports).Select(x => x.Label()))}";

    /// <summary>An announced part whose rate the vendor has not published: say which field, why it is needed, and how to supply it.</summary>
    static string Unpublished(Accelerator a, Precision p, string why)
    {
        string give = $"dense_tflops: {{{p.Label()}: N}}";
        string how = a.Status == Accelerator.Hypothetical ? $"add {give} to the hardware mapping" : $"e.g. hardware: {{base: {a.Id}, {give}}}";
        return $"{a.Id}: {Accelerator.PeakField(p)} is not published ({why}); give your own figure ({how}, dense TFLOP/s) and say it is an assumption";
    }

    /// <summary>A length distribution's coefficient of variation: 0 (fixed lengths) to 4 (heavier tails than any published trace).</summary>
    static double LengthCv(MappingNode i, string key)
    {
        double cv = i.OptionalNumber(key) ?? 0;
        if (!(cv is >= 0 and <= 4))
            throw new InputException(FormattableString.Invariant($"{i.Path}.{key}: must be in [0, 4] (standard deviation over mean of the lengths; 0 = fixed, about 1 for chat traffic), got {cv}"));
        return cv;
    }

    static RunEconomics ReadRun(MappingNode? r, double? catalogPrice)
    {
        r?.RequireOnly(RunKeys);
        double? price = r?.OptionalNumber("usd_per_gpu_hour") ?? catalogPrice;
        var run = new RunEconomics
        {
            UsdPerGpuHour = price ?? 0,
            GpuMtbfHours = r?.OptionalNumber("gpu_mtbf_hours") ?? RunEconomics.DefaultGpuMtbfHours,
            CheckpointWriteSeconds = r?.OptionalNumber("checkpoint_write_s") ?? RunEconomics.DefaultCheckpointWriteSeconds,
            RestartSeconds = r?.OptionalNumber("restart_s") ?? RunEconomics.DefaultRestartSeconds,
            PowerUtilization = r?.OptionalNumber("power_utilization") ?? RunEconomics.DefaultPowerUtilization,
            Pue = r?.OptionalNumber("pue") ?? RunEconomics.DefaultPue,
        };
        if (run.UsdPerGpuHour < 0 || run.GpuMtbfHours <= 0 || run.CheckpointWriteSeconds < 0 || run.RestartSeconds < 0 || run.PowerUtilization <= 0 || run.Pue < 1)
            throw new InputException($"{r?.Path ?? "run"}: prices and times must be non-negative, MTBF and power positive, PUE at least 1");
        if (r is null) return run;
        r.OptionalNumber("usd_per_gpu_hour", 0, InputLimits.MaxUsdPerGpuHour, "far above any rental or amortised purchase");
        r.OptionalNumber("gpu_mtbf_hours", 1e-3, InputLimits.MaxSeconds / 3600, "up to 32 years");
        r.OptionalNumber("checkpoint_write_s", 0, InputLimits.MaxSeconds, "up to 32 years");
        r.OptionalNumber("restart_s", 0, InputLimits.MaxSeconds, "up to 32 years");
        r.OptionalNumber("power_utilization", 1e-3, 2, "a fraction of TDP; boards draw at most about their TDP");
        r.OptionalNumber("pue", 1, InputLimits.MaxPue, "real data centres run between 1.05 and about 2");
        return run;
    }

    static WeightFormat ParseWeightFormat(string text, string where) =>
        WeightFormat.TryParse(text, out var f) ? f : throw new InputException($"{where}: unknown weight format '{text}'; use {WeightFormat.Names}");

    static Precision ParsePrecision(string text, string where) =>
        PrecisionInfo.TryParse(text, out var p) ? p : throw new InputException($"{where}: unknown precision '{text}'; use bf16, fp16, fp8 or fp4");
}
