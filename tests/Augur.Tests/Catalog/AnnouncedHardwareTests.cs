using Augur.Catalog.Loading;

namespace Augur.Tests.Catalog;

/// <summary>Announced hardware sits in the catalog beside shipping parts, marked as such and sourced like them.</summary>
public class AnnouncedHardwareTests
{
    static readonly CatalogStore C = CatalogStore.Default;

    static IEnumerable<Augur.Domain.Hardware.Accelerator> Announced() => C.Accelerators.Where(a => a.Status == "announced");

    [Fact]
    public void Every_catalog_accelerator_is_shipping_or_announced()
    {
        var odd = C.Accelerators.Where(a => a.Status is not ("shipping" or "announced")).Select(a => $"{a.Id}: {a.Status}").ToList();
        Assert.True(odd.Count == 0, string.Join("\n", odd));
    }

    [Fact]
    public void The_announced_parts_issue_12_names_are_marked_announced()
    {
        // Rubin (Vera Rubin NVL72/NVL144) and AMD MI455X (Helios) were pre-release when catalogued; see their files' notes.
        var ids = Announced().Select(a => a.Id).ToHashSet();
        Assert.Contains("rubin", ids);
        Assert.Contains("rubin-ultra", ids);
        Assert.Contains("mi455x", ids);
    }

    [Fact]
    public void Every_announced_accelerator_and_its_system_carry_sources_and_the_figures_an_estimate_reads()
    {
        var problems = new List<string>();
        foreach (var a in Announced())
        {
            if (a.Sources.Count == 0) problems.Add($"{a.Id}: no sources");
            if (a.Notes.Length == 0) problems.Add($"{a.Id}: no notes saying what is pre-release or derived");
            if (a.HbmCapacity.Value <= 0 || a.HbmBandwidth.BytesPerSecond <= 0) problems.Add($"{a.Id}: HBM capacity or bandwidth missing");
            if (!a.DensePeak.Any(p => p.PerSecond > 0)) problems.Add($"{a.Id}: no dense peak");
            if (!C.Systems.Any(s => s.Id == a.DefaultSystem)) { problems.Add($"{a.Id}: default system {a.DefaultSystem} missing"); continue; }
            var sys = C.System(a.DefaultSystem);
            if (sys.Status != "announced") problems.Add($"{sys.Id}: holds announced {a.Id} but is marked {sys.Status}");
            if (sys.AcceleratorId != a.Id) problems.Add($"{sys.Id}: holds {sys.AcceleratorId}, not {a.Id}");
            if (sys.Sources.Count == 0) problems.Add($"{sys.Id}: no sources");
            if (sys.ScaleUp.PerGpu.BytesPerSecond <= 0) problems.Add($"{sys.Id}: no scale-up bandwidth");
            if (sys.ScaleOut.PerGpu.BytesPerSecond <= 0) problems.Add($"{sys.Id}: no scale-out bandwidth");
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void Ironwood_pod_scale_out_is_googles_data_center_network_rate()
    {
        // docs.cloud.google.com/tpu/docs/tpu7x: "Data center network (DCN) bandwidth per chip (Gb/s)": 100 -> 12.5 GB/s.
        var pod = C.System("tpu-v7-pod");
        Assert.Equal(12.5, pod.ScaleOut.PerGpu.GBps, 9);
        Assert.Equal(9216, pod.ScaleUp.Domain);
    }
}
