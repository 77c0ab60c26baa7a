using Augur.Catalog.Files;
using Augur.Domain;
using Augur.Domain.Hardware;
using Augur.Units;

namespace Augur.Catalog.Loading;

/// <summary>Maps accelerator and system files onto domain records, converting units at the edge.</summary>
public static class HardwareReader
{
    public static Accelerator Accelerator(MappingNode n)
    {
        var peaks = new FlopRate[PrecisionInfo.Count];
        var table = n.Mapping("dense_tflops");
        foreach (var (key, _) in table.Entries)
        {
            if (!PrecisionInfo.TryParse(key, out var p))
                throw new InputException($"{table.Path}: unknown precision '{key}'");
            if (table.OptionalNumber(key) is { } tf) peaks[(int)p] = FlopRate.FromTflops(tf);
        }
        var (opTime, pythonTime) = n.OptionalMapping("host_cpu") is { } cpu ? HostCpu(cpu) : (1, 1);
        return new Accelerator
        {
            Id = n.String("id"),
            Name = n.String("name"),
            Vendor = n.String("vendor"),
            Family = n.String("family"),
            DensePeak = peaks,
            HbmCapacity = Bytes.FromGB(n.Number("hbm_gb")),
            HbmBandwidth = Bandwidth.FromTBps(n.Number("hbm_tb_s")),
            Power = new Watts(n.OptionalNumber("tdp_w") ?? 0),
            DefaultSystem = n.String("default_system"),
            Year = n.OptionalInteger("year") ?? 0,
            Status = n.OptionalString("status") ?? "shipping",
            Sources = Sources(n),
            Notes = n.OptionalString("notes") ?? "",
            Capabilities = n.OptionalMapping("capabilities") is { } c ? Capabilities(c) : AcceleratorCapabilities.Any,
            HostMemory = n.OptionalMapping("host_memory") is { } h ? HostMemory(h) : null,
            HostOpTime = opTime,
            HostPythonTime = pythonTime,
            Sms = Sms(n),
            GemmEfficiency = n.OptionalMapping("gemm_efficiency") is { } g ? CalibrationReader.Given(g) : null,
            Unpublished = [.. NullKeys(table, "dense_tflops."), .. NullKeys(n, "").Where(k => k is "tdp_w")],
        };
    }

    /// <summary>Keys written with a null value: a figure the vendor has not published (unknown, not zero).</summary>
    static IEnumerable<string> NullKeys(MappingNode m, string prefix) =>
        m.Entries.Where(e => e.Value is ScalarNode { IsNull: true }).Select(e => prefix + e.Key).Order(StringComparer.Ordinal);

    /// <summary><c>capabilities: {workloads: [inference], attention: [full], moe: false, max_experts: 64}</c>; what is left out is allowed.</summary>
    static AcceleratorCapabilities Capabilities(MappingNode c)
    {
        c.RequireOnly("workloads", "attention", "moe", "max_experts");
        var workloads = Names(c, "workloads", ["training", "inference"]);
        var attention = Names(c, "attention", ["full", "sliding_window", "latent"]);
        int? maxExperts = c.OptionalInteger("max_experts");
        if (maxExperts is < 1) throw new InputException($"{c.Path}.max_experts: must be at least 1");
        return new AcceleratorCapabilities
        {
            Training = workloads?.Contains("training") ?? true,
            Inference = workloads?.Contains("inference") ?? true,
            Attention = attention?.Select(a => a switch { "full" => AttentionKind.Full, "sliding_window" => AttentionKind.SlidingWindow, _ => AttentionKind.Latent }).ToHashSet(),
            MixtureOfExperts = c.OptionalBool("moe") ?? true,
            MaxExperts = maxExperts,
        };
    }

    static List<string>? Names(MappingNode c, string key, string[] allowed)
    {
        if (c.Get(key) is not { } node) return null;
        var items = node is SequenceNode seq ? seq.Items : [node];
        var names = items.Select(i => (i as ScalarNode)?.Text?.ToLowerInvariant() ?? "").ToList();
        foreach (var name in names.Where(x => !allowed.Contains(x)))
            throw new InputException($"{node.Path}: unknown {key} '{name}'; use {string.Join(", ", allowed)}");
        if (names.Count == 0) throw new InputException($"{node.Path}: list at least one of {string.Join(", ", allowed)}");
        return names;
    }

    /// <summary><c>sms: 132</c>, streaming multiprocessors or compute units; absent where the chip has none.</summary>
    static int? Sms(MappingNode n)
    {
        int? sms = n.OptionalInteger("sms");
        if (sms is < 1) throw new InputException($"{n.Path}.sms: must be at least 1 (leave it out for a chip without streaming multiprocessors)");
        return sms;
    }

    /// <summary>
    /// <c>host_memory: {name: LPDDR5X via NVLink-C2C, gb: 240, gb_s_one_way: 450}</c>, with <c>pageable_gb_s</c> where a copy
    /// into freshly allocated pageable memory was measured.
    /// </summary>
    static MemoryTierSpec HostMemory(MappingNode h)
    {
        h.RequireOnly("name", "gb", "gb_s_one_way", "pageable_gb_s");
        double gb = h.Number("gb"), gbs = h.Number("gb_s_one_way");
        if (gb <= 0 || gbs <= 0) throw new InputException($"{h.Path}: gb and gb_s_one_way must be positive");
        double? pageable = h.OptionalNumber("pageable_gb_s", 0.01, gbs, "a copy into pageable memory goes over the same link, no faster than gb_s_one_way");
        return new MemoryTierSpec(h.OptionalString("name") ?? "host", Bytes.FromGB(gb), Bandwidth.FromGBps(gbs))
        {
            FreshPageable = pageable is { } p ? Bandwidth.FromGBps(p) : null,
        };
    }

    const string HostRatioReason = "a host ten times faster or a hundred times slower than an x86 server's is not a CPU anyone pairs with an accelerator";

    /// <summary>
    /// <c>host_cpu: {name: Grace, op_time_vs_x86: 2.75, python_time_vs_x86: 1.08}</c>: the host's time per framework
    /// operation and per plain Python call against the x86 hosts the host-time figures come from (the second 1 when not given).
    /// </summary>
    static (double OpTime, double PythonTime) HostCpu(MappingNode h)
    {
        h.RequireOnly("name", "op_time_vs_x86", "python_time_vs_x86");
        h.String("name");
        double op = h.OptionalNumber("op_time_vs_x86", 0.1, 100, HostRatioReason)
                    ?? throw new InputException($"{h.Path}.op_time_vs_x86: give the host's time per framework operation relative to an x86 server's (1 = the same)");
        return (op, h.OptionalNumber("python_time_vs_x86", 0.1, 100, HostRatioReason) ?? 1);
    }

    public static SystemSpec System(MappingNode n)
    {
        var up = n.Mapping("scale_up");
        var output = n.Mapping("scale_out");
        return new SystemSpec
        {
            Id = n.String("id"),
            Name = n.String("name"),
            AcceleratorId = n.String("accelerator"),
            Tiers = NetworkTiers.Checked([
                new NetworkTierSpec(TierKind.ScaleUp, up.OptionalString("name") ?? "scale-up", up.Integer("domain_size"),
                    Bandwidth.FromGBps(up.OptionalNumber("gb_s_per_gpu_one_way") ?? 0), InNetworkReduction: up.OptionalBool("in_network_reduction") ?? false,
                    Torus: up.OptionalMapping("torus") is { } t ? Torus(t) : null),
                // A site's scale-out network joins as many GPUs as the job has; Cluster.From sets the count.
                new NetworkTierSpec(TierKind.ScaleOut, output.OptionalString("name") ?? "scale-out", int.MaxValue,
                    Bandwidth.FromGbitps(output.OptionalNumber("gbit_s_per_gpu") ?? 0)),
            ]),
            Status = SystemStatus(n),
            Sources = Sources(n),
            Notes = n.OptionalString("notes") ?? "",
            RackGpus = n.OptionalInteger("rack_gpus", 1, InputLimits.MaxGpus, "a rack holds at least one GPU"),
        };
    }

    /// <summary><c>torus: {dims: 3, wraparound_every: 4}</c>: the ICI torus's axes and the axis length that gets wraparound links.</summary>
    static TorusSpec Torus(MappingNode t)
    {
        t.RequireOnly("dims", "wraparound_every");
        int dims = t.Integer("dims", 2, 3, "an ICI torus has two or three axes");
        int wrap = t.Integer("wraparound_every", 1, InputLimits.MaxGpus, "an axis length");
        return new TorusSpec(dims, wrap);
    }

    static string SystemStatus(MappingNode n) => (n.OptionalString("status") ?? "shipping") switch
    {
        var s when s is "shipping" or "announced" or "template" => s,
        var s => throw new InputException($"{n.Path}.status: unknown status '{s}'; use shipping, announced or template"),
    };

    public static IReadOnlyList<string> Sources(MappingNode n) =>
        n.Get("sources") is SequenceNode s
            ? s.Items.OfType<ScalarNode>().Select(x => x.Text ?? "").Where(x => x.Length > 0).ToList()
            : [];
}
