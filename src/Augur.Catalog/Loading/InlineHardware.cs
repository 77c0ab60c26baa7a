using Augur.Catalog.Files;
using Augur.Domain;
using Augur.Domain.Hardware;

namespace Augur.Catalog.Loading;

/// <summary>
/// Hypothetical hardware written in a scenario: <c>hardware: {base: b300, hbm_gb: 432, hbm_tb_s: 16}</c> changes a
/// catalog accelerator (or the accelerator of a catalog system), and a mapping without <c>base</c> describes a whole
/// accelerator with the catalog's own field names. The base's family calibration applies unless
/// <c>calibration:</c> names another; the accelerator's name says which, so every report shows it.
/// </summary>
static class InlineHardware
{
    static readonly string[] ControlKeys = ["base", "system", "calibration"];
    /// <summary>Fields that describe the die itself: changing one makes another chip, which keeps none of its base's measured kernels.</summary>
    static readonly string[] DieKeys = ["dense_tflops", "sms", "gemm_efficiency", "capabilities", "family", "vendor"];
    static readonly string[] AcceleratorKeys =
        ["id", "name", "vendor", "family", "year", "dense_tflops", "hbm_gb", "hbm_tb_s", "tdp_w", "default_system", "price_usd_per_gpu_hour", "sources", "notes", "confidence", "capabilities", "host_memory", "host_cpu", "sms", "gemm_efficiency"];

    /// <returns>The accelerator, the system whose network it sits in (null: none named, the cluster must say), and its price.</returns>
    public static (Accelerator Accelerator, SystemSpec? System, double? Price) Read(MappingNode h, CatalogStore catalog)
    {
        h.RequireOnly([.. ControlKeys, .. AcceleratorKeys]);
        CheckSizes(h);
        SystemSpec? system = null;
        var entries = new Dictionary<string, DataNode>();
        string? baseName = h.OptionalString("base"), baseAccelerator = null;
        if (baseName is not null)
        {
            string accId = baseName;
            if (catalog.TrySystem(baseName, out var sys)) { system = sys; accId = sys.AcceleratorId; }
            foreach (var (k, v) in catalog.AcceleratorFile(accId, h.Path + ".base").Entries) entries[k] = v;
            baseAccelerator = accId;
            system ??= catalog.System(catalog.Accelerator(accId).DefaultSystem);
        }
        var changes = new List<string>();
        foreach (var (k, v) in h.Entries)
        {
            if (ControlKeys.Contains(k)) continue;
            // A section (dense_tflops, host_cpu, host_memory, ...) changes the base's section key by key, so
            // `host_cpu: {op_time_vs_x86: 1}` keeps the base host's name and `dense_tflops: {fp8: 3000}` its other rates.
            if (v is MappingNode section && entries.GetValueOrDefault(k) is MappingNode baseSection)
            {
                var merged = new Dictionary<string, DataNode>(baseSection.Entries);
                foreach (var (p, value) in section.Entries) { merged[p] = value; changes.Add($"{k}.{p}={Text(value)}"); }
                // The base host's measured copy into pageable memory was measured over its own link, not a changed one.
                if (k == "host_memory" && section.Get("gb_s_one_way") is not null && section.Get("pageable_gb_s") is null) merged.Remove("pageable_gb_s");
                entries[k] = new MappingNode(section.Path, merged);
                continue;
            }
            entries[k] = v;
            if (k is not ("notes" or "sources" or "confidence" or "id" or "name")) changes.Add($"{k}={Text(v)}");
        }
        string id = h.OptionalString("id") ?? (baseName is null ? "custom" : changes.Count == 0 ? baseName : $"{baseName}+{string.Join(",", changes)}");
        string family = h.OptionalString("calibration") ?? (entries.GetValueOrDefault("family") as ScalarNode)?.Text ?? "generic";
        if (!catalog.HasCalibration(family))
            throw new InputException($"{h.Path}.calibration: no calibration family '{family}'{Hint(family, catalog)}");
        // A base part's own measured GEMM fractions belong to its family's software; another family's calibration drops them.
        if (h.OptionalString("calibration") is not null && !h.Entries.Any(e => e.Key == "gemm_efficiency")) entries.Remove("gemm_efficiency");
        string baseLabel = baseName is null ? "inline accelerator" : $"{baseName} with {(changes.Count == 0 ? "no changes" : string.Join(", ", changes))}";
        entries["id"] = Scalar(h, "id", id);
        entries["name"] = Scalar(h, "name", h.OptionalString("name") ?? baseLabel);
        entries["family"] = Scalar(h, "family", family);
        entries["status"] = Scalar(h, "status", Accelerator.Hypothetical);
        if (!entries.ContainsKey("vendor")) entries["vendor"] = Scalar(h, "vendor", "custom");
        if (h.OptionalString("system") is { } sysName) system = catalog.System(sysName, h.Path + ".system");
        // The default system is only a lookup key for catalog entries; inline hardware takes its network from
        // the system above or from the cluster section.
        entries["default_system"] = Scalar(h, "default_system", system?.Id ?? "none");
        var merged2 = new MappingNode(h.Path, entries);
        var acc = HardwareReader.Accelerator(merged2);
        if (acc.HbmCapacity.Value <= 0 || acc.HbmBandwidth.BytesPerSecond <= 0 || !Enum.GetValues<Precision>().Any(acc.Supports))
            throw new InputException($"{h.Path}: hbm_gb, hbm_tb_s and at least one dense_tflops rate must be positive");
        // The same die with other memory, host, power or price runs its base's kernels; a changed peak, SM count, GEMM
        // fraction, capability or calibration is another chip.
        if (baseName is not null && h.OptionalString("calibration") is null && !h.Entries.Keys.Any(DieKeys.Contains))
            acc = acc with { SameDieAs = catalog.Accelerator(baseAccelerator!).KernelId };
        return (acc, system, merged2.OptionalNumber("price_usd_per_gpu_hour"));
    }

    /// <summary>The fields a user writes are bounded, so no hypothetical part yields infinite or zero times.</summary>
    static void CheckSizes(MappingNode h)
    {
        h.OptionalNumber("hbm_gb", 1e-3, InputLimits.MaxHbmGB, "1 MB to thousands of times any HBM stack");
        h.OptionalNumber("hbm_tb_s", 1e-3, InputLimits.MaxHbmTBps, "1 GB/s to a thousand times HBM3E");
        h.OptionalNumber("tdp_w", 0, 1e5, "watts per accelerator");
        h.OptionalNumber("price_usd_per_gpu_hour", 0, InputLimits.MaxUsdPerGpuHour, "far above any rental or amortised purchase");
        if (h.Get("dense_tflops") is MappingNode peaks)
            foreach (var key in peaks.Entries.Keys)
                peaks.OptionalNumber(key, 1e-3, InputLimits.MaxTflops, "a thousand times today's FP4 peaks");
    }

    static ScalarNode Scalar(MappingNode h, string key, string text) => new(h.Path + "." + key, text);

    static string Text(DataNode n) => n switch
    {
        ScalarNode { Text: { } t } => t,
        ScalarNode => "none",
        MappingNode m => "{" + string.Join(", ", m.Entries.Select(e => $"{e.Key}: {Text(e.Value)}")) + "}",
        SequenceNode q => "[" + string.Join(", ", q.Items.Select(Text)) + "]",
        _ => "?",
    };

    static string Hint(string family, CatalogStore catalog) =>
        Suggest.Nearest(family, catalog.Calibrations.Select(c => c.Family)) is { } near ? $"; did you mean '{near}'?" : $"; use one of: {string.Join(", ", catalog.Calibrations.Select(c => c.Family).Order())}";
}
