using Augur.Catalog.Loading;
using Augur.Domain;
using Augur.Domain.Hardware;
using Augur.Tests.Cli;
using Augur.Workflows;

namespace Augur.Tests.Catalog;

/// <summary>
/// Rubin Ultra NVL576 and the UALink pod template hold the cited figures; a rate the vendor has not published is
/// unknown rather than zero, and an estimate that needs it refuses in one line.
/// </summary>
public class AnnouncedSystemTests
{
    static readonly CatalogStore C = CatalogStore.Default;

    [Fact]
    public void Rubin_ultra_is_nvidias_gtc_2025_rack_figures_over_the_kybers_144_packages()
    {
        // GTC 2025 roadmap slide (catalog/accelerators/rubin-ultra.yaml): 1 TB HBM4e per package, 4.6 PB/s HBM4e and
        // 5 EF FP8 training per NVL576 rack, which holds 144 four-die packages.
        var a = C.Accelerator("rubin-ultra");
        Assert.Equal("announced", a.Status);
        Assert.Equal(1e12, a.HbmCapacity.Value);
        Assert.Equal(4.6e15 / 144, a.HbmBandwidth.BytesPerSecond, 0.05e12);
        Assert.Equal(5e18 / 144, a.Peak(Precision.FP8).PerSecond, 1e12);
        Assert.Equal("rubin-ultra-nvl576", a.DefaultSystem);
    }

    [Fact]
    public void The_nvl576_rack_splits_nvlink_7_and_cx9_over_144_packages_counting_both_directions()
    {
        // NVLink 7 1.5 PB/s and CX9 115.2 TB/s per rack, both directions: per package one way = rack / 144 / 2.
        var s = C.System("rubin-ultra-nvl576");
        Assert.Equal("announced", s.Status);
        Assert.Equal(144, s.ScaleUp.Domain);
        Assert.Equal(1.5e15 / 144 / 2, s.ScaleUp.PerGpu.BytesPerSecond, 1e9);
        Assert.Equal(115.2e12 / 144 / 2, s.ScaleOut.PerGpu.BytesPerSecond, 1e6);
        // The same reading gives the NVL144 rack's NIC rate already in the catalog: 28.8 TB/s / 72 / 2 = 1.6 Tb/s.
        Assert.Equal(28.8e12 / 72 / 2, C.System("rubin-nvl144").ScaleOut.PerGpu.BytesPerSecond, 1e6);
    }

    [Fact]
    public void Rubin_ultras_unpublished_rates_are_unknown_not_absent()
    {
        var a = C.Accelerator("rubin-ultra");
        Assert.True(a.Unknown(Precision.BF16));
        Assert.True(a.Unknown(Precision.FP4));
        Assert.False(a.Unknown(Precision.FP8));
        Assert.Contains("tdp_w", a.Unpublished);
        // A format the chip lacks is absent, not unpublished.
        Assert.False(C.Accelerator("h100-sxm").Unknown(Precision.FP4));
    }

    [Fact]
    public void The_ualink_pod_is_the_specifications_1024_accelerators_at_mi455x_link_rates()
    {
        // UALink 200G 1.0: up to 1,024 accelerators per pod, 200 Gb/s per lane. AMD's 3.6 TB/s per MI450-series GPU
        // both ways = 1,800 GB/s one way = 72 lanes of 200 Gb/s.
        var s = C.System("ualink-pod-1024");
        Assert.Equal("template", s.Status);
        Assert.Equal(1024, s.ScaleUp.Domain);
        Assert.Equal(3.6e12 / 2, s.ScaleUp.PerGpu.BytesPerSecond, 1e6);
        Assert.Equal(72 * 200e9 / 8, s.ScaleUp.PerGpu.BytesPerSecond, 1e6);
        Assert.Equal("mi455x", s.AcceleratorId);
        Assert.Equal(C.System("mi455x-helios").ScaleOut.PerGpu.BytesPerSecond, s.ScaleOut.PerGpu.BytesPerSecond);
    }

    const string Train = """
        workload: training
        model: llama3.1-8b
        hardware: HW
        precision: fp8
        training: {seq_len: 4096, global_batch: 64}
        cluster: {gpus: 144}
        """;

    [Fact]
    public void An_estimate_on_rubin_ultra_names_the_unpublished_bf16_rate_in_one_line_with_exit_2()
    {
        var (code, output, err) = CliTests.Run("estimate", CliTests.Temp(Train.Replace("HW", "rubin-ultra-nvl576")));
        Assert.Equal(2, code);
        Assert.Equal("", output);
        string line = Assert.Single(err.Trim().Split('\n'));
        Assert.Contains("dense_tflops.bf16 is not published", line);
        Assert.Contains("LM head", line);
    }

    [Fact]
    public void Given_a_bf16_figure_rubin_ultra_trains_at_its_fp8_rate_and_still_refuses_fp4()
    {
        var s = ScenarioLoader.FromYaml(C, Train.Replace("HW", "{base: rubin-ultra, dense_tflops: {bf16: 17000}}"));
        Assert.Equal(5e18 / 144, s.Cluster.Accelerator.Peak(Precision.FP8).PerSecond, 1e12);
        Assert.Equal(144, s.Cluster.ScaleUpDomain);
        var e = Assert.Throws<InputException>(() => ScenarioLoader.FromYaml(C,
            Train.Replace("HW", "{base: rubin-ultra, dense_tflops: {bf16: 17000}}").Replace("precision: fp8", "precision: fp4")));
        Assert.Contains("dense_tflops.fp4 is not published", e.Message);
        // Hardware changed inline is told to add the rate to its own mapping, not to name itself as a base.
        Assert.Contains("add dense_tflops: {fp4: N} to the hardware mapping", e.Message);
    }

    [Fact]
    public void A_run_on_a_part_without_a_power_figure_has_no_energy_rather_than_zero()
    {
        Assert.Equal("no power figure (give the accelerator's tdp_w)", Augur.Reports.Format.Energy(new Augur.Units.Joules(0)));
        // 3.6e9 J = 1 MWh.
        Assert.Equal("1 MWh", Augur.Reports.Format.Energy(new Augur.Units.Joules(3.6e9)));
    }

    [Fact]
    public void Catalog_list_marks_announced_parts_and_the_ualink_template()
    {
        var (code, output, _) = CliTests.Run("catalog", "list");
        Assert.Equal(0, code);
        string[] lines = output.Split('\n');
        foreach (var id in new[] { "rubin-ultra", "rubin-ultra-nvl576", "mi455x", "mi455x-helios", "rubin-nvl144" })
            Assert.Contains(lines, l => l.Contains($" {id} ", StringComparison.Ordinal) && l.Contains("announced", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains(" ualink-pod-1024 ", StringComparison.Ordinal) && l.Contains("template", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains(" h100-sxm ", StringComparison.Ordinal) && l.Contains("shipping", StringComparison.Ordinal));
    }
}
