using Augur.Catalog.Loading;
using Augur.Domain;
using Augur.Domain.Hardware;
using Augur.Units;
using Augur.Workflows;

namespace Augur.Tests.Workflows;

/// <summary>Hypothetical hardware written in a scenario, and bandwidths that carry their unit.</summary>
public class HardwareTests
{
    static Augur.Domain.Workloads.Scenario Read(string hardware, string cluster = "{gpus: 8}") => ScenarioLoader.FromYaml(CatalogStore.Default, $"""
        workload: training
        model: llama3.1-8b
        hardware: {hardware}
        cluster: {cluster}
        training: {"{"}seq_len: 4096, global_batch: 64{"}"}
        """);

    [Fact]
    public void A_base_with_a_changed_peak_keeps_the_other_peaks()
    {
        var a = Read("{base: b300, dense_tflops: {fp8: 7000}}").Cluster.Accelerator;
        Assert.Equal(7000e12, a.Peak(Precision.FP8).PerSecond);
        Assert.Equal(2250e12, a.Peak(Precision.BF16).PerSecond);
        Assert.Equal("b300+dense_tflops.fp8=7000", a.Id);
    }

    [Fact]
    public void A_changed_section_keeps_the_bases_other_keys_and_a_new_one_is_spelled_out()
    {
        // gb200.yaml's host_cpu is {name: Grace, op_time_vs_x86: 2.75}: changing the factor keeps the name it needs.
        var grace = Read("{base: gb200-nvl72, host_cpu: {op_time_vs_x86: 1}}", "{gpus: 72}").Cluster.Accelerator;
        Assert.Equal(1, grace.HostOpTime);
        Assert.Equal("gb200-nvl72+host_cpu.op_time_vs_x86=1", grace.Id);
        // b200.yaml has no host_cpu: the whole section is the change, and the name shows it.
        var b200 = Read("{base: b200, host_cpu: {name: slow, op_time_vs_x86: 3}}").Cluster.Accelerator;
        Assert.Equal(3, b200.HostOpTime);
        Assert.Equal("b200+host_cpu={name: slow, op_time_vs_x86: 3}", b200.Id);
    }

    [Fact]
    public void A_system_as_base_brings_its_network()
    {
        // gb200-nvl72: 72 GPUs in one NVLink domain.
        var s = Read("{base: gb200-nvl72, hbm_gb: 384}", "{gpus: 72}");
        Assert.Equal(72, s.Cluster.ScaleUpDomain);
        Assert.Equal(384e9, s.Cluster.Accelerator.HbmCapacity.Value);
    }

    [Fact]
    public void A_named_calibration_family_replaces_the_bases()
    {
        var a = Read("{base: b300, calibration: nvidia-hopper}").Cluster.Accelerator;
        Assert.Equal("nvidia-hopper", a.Family);
        
        var e = Assert.Throws<InputException>(() => Read("{base: b300, calibration: nvidia-hoper}"));
        Assert.Contains("did you mean 'nvidia-hopper'", e.Message);
    }

    [Fact]
    public void A_base_parts_own_gemm_fraction_follows_it_unless_another_family_is_named()
    {
        // mi325x.yaml: gemm_efficiency bf16 0.54 (AMD's 843 of 1307.4 TFLOP/s under the sustained rule); amd-cdna4's family
        // value is 0.51 (HipKittens' 1,540.5 of 2,516.6 under the same rule); amd-cdna3's FP8 is 0.41 (Azure's sustained 0.441 x 0.92).
        var kept = Read("{base: mi325x, hbm_gb: 512}").Cluster.Accelerator;
        Assert.Equal(0.54, CatalogStore.Default.Calibration(kept).Gemm(Precision.BF16));
        var other = Read("{base: mi325x, calibration: amd-cdna4}").Cluster.Accelerator;
        Assert.Equal(0.51, CatalogStore.Default.Calibration(other).Gemm(Precision.BF16));
        var given = Read("{base: mi300x, gemm_efficiency: {bf16: 0.6}}").Cluster.Accelerator;
        Assert.Equal(0.6, CatalogStore.Default.Calibration(given).Gemm(Precision.BF16));
        Assert.Equal(0.41, CatalogStore.Default.Calibration(given).Gemm(Precision.FP8));
        var e = Assert.Throws<InputException>(() => Read("{base: mi300x, gemm_efficiency: {bf16: 1.2}}"));
        Assert.Contains("must be in (0, 1]", e.Message);
    }

    [Fact]
    public void A_whole_inline_accelerator_needs_its_network_from_the_cluster()
    {
        const string Chip = "{name: asic, dense_tflops: {bf16: 1000}, hbm_gb: 100, hbm_tb_s: 5}";
        var e = Assert.Throws<InputException>(() => Read(Chip));
        Assert.Contains("scale_up_bandwidth", e.Message);
        var s = Read(Chip, "{gpus: 16, scale_up_domain: 16, scale_up_bandwidth: 800 GB/s, scale_out_bandwidth: 400 Gbit/s}");
        Assert.Equal(16, s.Cluster.ScaleUpDomain);
        Assert.Equal(800e9, s.Cluster.ScaleUpPerGpu.BytesPerSecond);
        Assert.Equal(50e9, s.Cluster.ScaleOutPerGpu.BytesPerSecond); // 400 Gbit/s ÷ 8
        Assert.Equal("generic", s.Cluster.Accelerator.Family);
    }

    [Fact]
    public void The_old_ambiguous_gbps_keys_are_refused_with_both_readings()
    {
        var e = Assert.Throws<InputException>(() => Read("h100-sxm", "{gpus: 8, scale_out_gbps: 400}"));
        Assert.Contains("'400 GB/s' or '400 Gbit/s'", e.Message);
    }

    [Theory]
    [InlineData("450 GB/s", 450e9)]
    [InlineData("400 Gbit/s", 50e9)]
    [InlineData("400 Gb/s", 50e9)]
    [InlineData("1.8 TB/s", 1.8e12)]
    [InlineData("3.2Tbit/s", 400e9)]
    public void Bandwidths_are_read_with_their_unit(string text, double bytesPerSecond)
    {
        Assert.Null(BandwidthText.TryParse(text, out var b));
        Assert.Equal(bytesPerSecond, b.BytesPerSecond, 1e-9 * bytesPerSecond);
    }

    [Fact]
    public void A_bare_bandwidth_spells_out_both_readings()
    {
        // 400 read as GB/s is 3,200 Gbit/s; read as Gbit/s it is 50 GB/s.
        string? why = BandwidthText.TryParse("400", out _);
        Assert.NotNull(why);
        Assert.Contains("3200 Gbit/s", why);
        Assert.Contains("50 GB/s", why);
        Assert.NotNull(BandwidthText.TryParse("400 gbps", out _));
        Assert.NotNull(BandwidthText.TryParse("0 GB/s", out _));
    }
}

public class SetOptionCliTests
{
    [Fact]
    public void Estimate_with_set_reports_hypothetical_hardware_and_its_calibration()
    {
        var (code, output, err) = Augur.Tests.Cli.CliTests.Run("estimate", Augur.Tests.Scenarios.Repo("samples/llama3-405b-pretrain.yaml"),
            "--set", "hardware.hbm_gb=200", "--json");
        Assert.True(code == 0, err);
        var doc = System.Text.Json.JsonDocument.Parse(output).RootElement;
        Assert.Equal("h100-sxm+hbm_gb=200", doc.GetProperty("hardware").GetString());
        Assert.Equal("nvidia-hopper", doc.GetProperty("calibration").GetString());
        var (_, table, _) = Augur.Tests.Cli.CliTests.Run("estimate", Augur.Tests.Scenarios.Repo("samples/llama3-405b-pretrain.yaml"), "--set", "hardware.hbm_gb=200");
        Assert.Contains("hypothetical,", table); // the table may wrap the line here
        Assert.Contains("nvidia-hopper calibration", table);
    }

    [Fact]
    public void A_bad_set_is_one_line_and_exit_2()
    {
        var (code, output, err) = Augur.Tests.Cli.CliTests.Run("estimate", Augur.Tests.Scenarios.Repo("samples/llama3-405b-pretrain.yaml"), "--set", "cluster.gpus");
        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Single(err.Trim().Split('\n'));
    }
}
