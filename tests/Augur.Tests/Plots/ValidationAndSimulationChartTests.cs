using Augur.Catalog.Loading;
using Augur.Plots;
using Augur.Tests.Cli;
using Augur.Workflows;

namespace Augur.Tests.Plots;

public class ValidationAndSimulationChartTests
{
    [Fact]
    public void The_validation_chart_has_one_series_per_workload_and_tier_and_the_diagonal()
    {
        var o = ValidateWorkflow.Run(CatalogStore.Default);
        var texts = ChartFiles.SvgTexts(ValidationChart.Of(o));
        Assert.Contains("Predicted against published throughput", texts);
        Assert.Contains("published tokens/s per GPU (log scale)", texts);
        Assert.Contains("predicted tokens/s per GPU (log scale)", texts);
        Assert.Contains("prediction = measurement", texts);
        // The shipped cases hold out-of-sample training and inference measurements.
        Assert.Contains("training out-of-sample cases", texts);
        Assert.Contains("inference out-of-sample cases", texts);
        var groups = o.Cases.Select(c => (c.Case.Scenario.Workload, c.Case.Tier)).Distinct().Count();
        Assert.Equal(groups, texts.Count(t => t.EndsWith(" cases", StringComparison.Ordinal)));
    }

    [Fact]
    public void The_simulation_chart_has_a_ttft_and_a_tpot_histogram()
    {
        var path = ChartFiles.TempPath(".png");
        var (code, _, err) = CliTests.Run("simulate", Scenarios.Repo("samples/llama3-70b-simulate.yaml"), "--plot", path);
        Assert.True(code == 0, err);
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, File.ReadAllBytes(path).Take(4).ToArray());
        var texts = ChartFiles.SvgTextsOf("simulate", Scenarios.Repo("samples/llama3-70b-simulate.yaml"));
        Assert.Contains("TTFT (ms)", texts);
        Assert.Contains("TPOT (ms)", texts);
        Assert.Contains(texts, t => t.StartsWith("Time to first token over", StringComparison.Ordinal));
        Assert.Contains(texts, t => t.StartsWith("Time per output token over", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("chart.pdf")]
    [InlineData("chart")]
    public void A_plot_file_that_is_not_png_or_svg_is_one_line_and_exit_2(string name)
    {
        var (code, output, err) = CliTests.Run("estimate", Scenarios.Repo("samples/llama3-405b-pretrain.yaml"), "--plot", name);
        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Equal($"augur: --plot {name}: name a .png or .svg file", err.Trim());
    }
}
