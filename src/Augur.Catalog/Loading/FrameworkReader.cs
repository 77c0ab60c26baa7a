using Augur.Catalog.Files;
using Augur.Domain;
using Augur.Domain.Frameworks;
using Augur.Domain.Workloads;
using Augur.Units;

namespace Augur.Catalog.Loading;

/// <summary>
/// Reads catalog/frameworks files: a framework's documented arguments, each name mapped to its value format
/// (int, number, bool, flag, text, a list of choices, or <c>{many: [...]}</c> for several of them).
/// </summary>
public static class FrameworkReader
{
    public static FrameworkSpec Read(MappingNode n)
    {
        n.RequireOnly("id", "name", "workload", "form", "command", "source", "paths", "notes", "arguments", "engines");
        var args = n.Mapping("arguments");
        var arguments = new Dictionary<string, ArgumentSpec>(StringComparer.Ordinal);
        foreach (var (name, value) in args.Entries) arguments[name] = Argument(name, value);
        return new FrameworkSpec
        {
            Id = n.String("id"),
            Name = n.String("name"),
            Workload = n.String("workload") switch
            {
                "training" => WorkloadKind.Training,
                "serving" => WorkloadKind.Inference,
                var w => throw new InputException($"{n.Path}.workload: '{w}' is not training or serving"),
            },
            Form = n.String("form") switch
            {
                "arguments" => FrameworkForm.Arguments,
                "toml" => FrameworkForm.Toml,
                "key_value" => FrameworkForm.KeyValue,
                "yaml" => FrameworkForm.Yaml,
                var f => throw new InputException($"{n.Path}.form: '{f}' is not arguments, toml, key_value or yaml"),
            },
            Command = n.String("command"),
            Source = n.String("source"),
            Paths = n.Get("paths") is SequenceNode s ? s.Items.OfType<ScalarNode>().Select(x => x.Text ?? "").ToList() : [],
            Arguments = arguments,
            Engines = n.OptionalMapping("engines") is { } engines ? engines.Entries.Select(e => Engine(e.Key, e.Value)).ToList() : [],
        };
    }

    /// <summary>
    /// One engine's defaults: <c>source</c> and either <c>tiers</c> (a list of <c>{below_gib?, names?, max_batch_size?,
    /// token_budget}</c>, first match wins) or <c>bench_tuning: {batch_cap, token_cap}</c>; optionally
    /// <c>host_us_per_sequence</c>, the scheduler's host time per scheduled sequence on an x86 host (µs), and
    /// <c>host_overlaps_gpu</c>, whether the engine does that work while the GPU runs; <c>eager_host_us_per_layer</c>,
    /// the host time to issue one decoder layer when the step is not graph-captured (µs, x86), and <c>eager_host_us_per_mla_layer</c>
    /// the same for a layer with latent attention; <c>linear_kernels</c>
    /// names the measurement sets that timed the engine's own linear layers; <c>mixed_prefill: false</c>, that a prefill
    /// iteration runs without the running sequences' decodes.
    /// </summary>
    static ServingEngineSpec Engine(string id, DataNode node)
    {
        if (node is not MappingNode m) throw new InputException($"{node.Path}: expected a mapping with source and tiers or bench_tuning");
        m.RequireOnly("source", "tiers", "bench_tuning", "host_us_per_sequence", "host_overlaps_gpu", "eager_host_us_per_layer", "eager_host_us_per_mla_layer", "linear_kernels", "mixed_prefill", "linear_state_pool");
        var tiers = m.Get("tiers") is SequenceNode seq ? seq.Items.Select(Tier).ToList() : [];
        var bench = m.OptionalMapping("bench_tuning") is { } b ? new BenchTuning(b.Integer("batch_cap"), b.Integer("token_cap")) : null;
        if (tiers.Count == 0 && bench is null) throw new InputException($"{m.Path}: give tiers or bench_tuning");
        double hostUs = m.OptionalNumber("host_us_per_sequence", 0, 1e4, "a millisecond of host time per request and step is already far slower than any engine") ?? 0;
        double eagerUs = m.OptionalNumber("eager_host_us_per_layer", 0, 1e4, "ten milliseconds per layer is slower than any eager engine measured") ?? 0;
        double eagerMlaUs = m.OptionalNumber("eager_host_us_per_mla_layer", 0, 1e4, "ten milliseconds per layer is slower than any eager engine measured") ?? 0;
        var kernels = m.Get("linear_kernels") is SequenceNode k ? Names(k) : [];
        return new ServingEngineSpec
        {
            Id = id, Source = m.String("source"), Tiers = tiers, BenchTuning = bench, HostPerSequence = Seconds.FromMicroseconds(hostUs),
            HostOverlapsGpu = m.OptionalBool("host_overlaps_gpu") ?? false, EagerHostPerLayer = Seconds.FromMicroseconds(eagerUs),
            EagerHostPerMlaLayer = Seconds.FromMicroseconds(eagerMlaUs), LinearKernels = kernels,
            MixedPrefill = m.OptionalBool("mixed_prefill") ?? true,
            StatePool = m.OptionalMapping("linear_state_pool") is { } pool ? StatePool(pool) : null,
        };
    }

    static LinearStatePool StatePool(MappingNode p)
    {
        p.RequireOnly("slots_per_request", "state_to_kv_ratio");
        return new LinearStatePool(p.Integer("slots_per_request", 1, 64, "a request keeps its live state and a few prefix-cache copies"),
            p.Number("state_to_kv_ratio", 0.001, 1000, "the state pool is a share of the memory beside the KV cache"));
    }

    static EngineTier Tier(DataNode node)
    {
        if (node is not MappingNode t) throw new InputException($"{node.Path}: expected a mapping with token_budget");
        t.RequireOnly("below_gib", "names", "max_batch_size", "token_budget");
        var names = t.Get("names") is SequenceNode n ? Names(n) : [];
        return new EngineTier(t.OptionalNumber("below_gib"), names, t.OptionalInteger("max_batch_size"), t.Integer("token_budget"));
    }

    static ArgumentSpec Argument(string name, DataNode value) => value switch
    {
        ScalarNode { Text: { } t } => new ArgumentSpec(name, t switch
        {
            "int" => ValueKind.Integer,
            "number" => ValueKind.Number,
            "bool" => ValueKind.Bool,
            "flag" => ValueKind.Flag,
            "text" => ValueKind.Text,
            _ => throw new InputException($"{value.Path}: '{t}' is not a value format; use int, number, bool, flag, text or a list of choices"),
        }, []),
        SequenceNode seq => new ArgumentSpec(name, ValueKind.Choice, Names(seq)),
        MappingNode { Entries.Count: 1 } m when m.Get("many") is SequenceNode many => new ArgumentSpec(name, ValueKind.Choices, Names(many)),
        _ => throw new InputException($"{value.Path}: expected a value format (int, number, bool, flag, text), a list of choices or {{many: [...]}}"),
    };

    static List<string> Names(SequenceNode seq) => seq.Items.Select(i => i is ScalarNode { Text: { } t } ? t : throw new InputException($"{i.Path}: expected a choice")).ToList();
}
