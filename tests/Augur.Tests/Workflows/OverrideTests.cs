using Augur.Catalog.Loading;
using Augur.Domain;
using Augur.Domain.Hardware;
using Augur.Units;
using Augur.Workflows;

namespace Augur.Tests.Workflows;

/// <summary>The one scenario-override path: key paths applied to the document before the typed reader.</summary>
public class OverrideTests
{
    const string Training = """
        workload: training
        model: llama3.1-8b
        hardware: h100-sxm
        cluster: {gpus: 64}
        parallelism: {tp: 8}
        training: {seq_len: 8192, global_batch: 512}
        """;

    static Augur.Domain.Workloads.Scenario Read(string yaml, params string[] overrides) =>
        ScenarioLoader.FromYaml(CatalogStore.Default, yaml, overrides.Select(ScenarioOverride.Parse).ToList());

    [Fact]
    public void An_override_replaces_a_value_and_creates_missing_sections()
    {
        var s = Read(Training, "cluster.gpus=128", "parallelism.pp=2", "run.pue=1.5");
        Assert.Equal(128, s.Cluster.Gpus);
        Assert.Equal(2, s.Layout.Pp);
        Assert.Equal(8, s.Layout.Tp);
        Assert.Equal(1.5, s.Run.Pue);
    }

    [Fact]
    public void An_override_value_is_read_as_yaml()
    {
        var s = Read(Training, "parallelism.recompute=[core_attn, mlp]");
        Assert.NotNull(s.Layout.Recompute);
    }

    [Fact]
    public void A_misspelt_override_key_gets_the_readers_suggestion()
    {
        var e = Assert.Throws<InputException>(() => Read(Training, "cluster.gpu=128"));
        Assert.Contains("unknown key 'gpu'", e.Message);
        Assert.Contains("did you mean 'gpus'", e.Message);
    }

    [Theory]
    [InlineData("cluster.gpus")]
    [InlineData("=4")]
    [InlineData("cluster..gpus=4")]
    public void A_malformed_override_is_refused(string text) =>
        Assert.Throws<InputException>(() => ScenarioOverride.Parse(text));

    [Fact]
    public void Reaching_inside_a_scalar_that_is_not_hardware_is_refused()
    {
        var e = Assert.Throws<InputException>(() => Read(Training, "model.layers=4"));
        Assert.Contains("is not a mapping", e.Message);
    }

    [Fact]
    public void Overriding_a_hardware_field_derives_hardware_from_the_catalog_entry()
    {
        // b300 in the catalog: 288.4 GB (275,040 MiB), 8 TB/s, FP8 4,500 dense TFLOPS, family nvidia-blackwell.
        var s = Read(Training.Replace("h100-sxm", "b300"), "hardware.hbm_gb=432", "hardware.hbm_tb_s=16");
        var a = s.Cluster.Accelerator;
        Assert.Equal(432e9, a.HbmCapacity.Value);
        Assert.Equal(16e12, a.HbmBandwidth.BytesPerSecond);
        Assert.Equal(4500e12, a.Peak(Precision.FP8).PerSecond);
        Assert.Equal("nvidia-blackwell", a.Family);
        Assert.Equal(Accelerator.Hypothetical, a.Status);
        Assert.Equal(8, s.Cluster.ScaleUpDomain); // dgx-b300's scale-up domain
        Assert.Equal(288.4e9, CatalogStore.Default.Accelerator("b300").HbmCapacity.Value); // the catalog is untouched
    }
}
