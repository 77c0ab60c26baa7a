using Augur.Domain;
using Augur.Plots;
using Augur.Tests.Cli;
using Augur.Workflows.Sweeps;

namespace Augur.Tests.Plots;

public class SweepChartTests
{
    static SweepPoint Point(SweepGrid grid, long i, double step) =>
        new(i, grid.Settings(i), SweepStatus.Ok, "", new SweepMetrics { StepTimeSeconds = step, TokensPerSecondPerGpu = 1000 / step });

    [Fact]
    public void One_varied_key_is_a_line_of_step_time()
    {
        var grid = new SweepGrid([SweepAxis.Parse("cluster.gpus=1024:4096*2"), SweepAxis.Parse("hardware=h100-sxm")]);
        var points = Enumerable.Range(0, 2).Select(i => Point(grid, i, 10.0 / (i + 1))).ToList();
        points.Add(new SweepPoint(2, grid.Settings(2), SweepStatus.Refused, "too many GPUs", new SweepMetrics()));
        var chart = SweepChart.Of(grid, points);
        var texts = ChartFiles.SvgTexts(chart);
        // The refused point leaves a gap, and the title says so.
        Assert.Contains("Sweep of cluster.gpus: step time (s) (1 of 3 points refused or not fitting: gaps)", texts);
        Assert.Contains("cluster.gpus", texts);
        Assert.Single(texts, t => t == "step time (s)");
        ChartFiles.AssertPng(chart);
    }

    [Fact]
    public void Two_varied_keys_are_a_heat_map_with_a_labelled_colour_bar()
    {
        var grid = new SweepGrid([SweepAxis.Parse("hardware.hbm_gb=80,141,192"), SweepAxis.Parse("cluster.scale_up_domain=8,72")]);
        var points = Enumerable.Range(0, 6).Select(i => Point(grid, i, 1 + i)).ToList();
        var texts = ChartFiles.SvgTexts(SweepChart.Of(grid, points));
        Assert.Contains("Sweep of hardware.hbm_gb and cluster.scale_up_domain: step time (s)", texts);
        Assert.Contains("cluster.scale_up_domain", texts);
        Assert.Contains("hardware.hbm_gb", texts);
        Assert.Contains("step time (s)", texts);
        // Each value of each key labels its row or column.
        foreach (var v in new[] { "80", "141", "192", "8", "72" }) Assert.Contains(v, texts);
    }

    [Fact]
    public void Three_varied_keys_are_refused_before_the_sweep_runs()
    {
        var grid = new SweepGrid([SweepAxis.Parse("a=1,2"), SweepAxis.Parse("b=1,2"), SweepAxis.Parse("c=1,2")]);
        Assert.Throws<InputException>(() => SweepChart.Check(grid));
        var (code, _, err) = CliTests.Run("sweep", Scenarios.Repo("samples/llama3-405b-pretrain.yaml"), "--vary", "cluster.gpus=8192,16384",
            "--vary", "training.global_batch=1024,2048", "--vary", "hardware=h100-sxm,h200-sxm", "--plot", ChartFiles.TempPath(".svg"));
        Assert.Equal(2, code);
        Assert.StartsWith("augur: --plot draws one or two varied keys", err);
    }
}
