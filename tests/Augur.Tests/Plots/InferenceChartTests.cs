using Augur.Catalog.Loading;
using Augur.Plots;
using Augur.Workflows;

namespace Augur.Tests.Plots;

public class InferenceChartTests
{
    [Fact]
    public void The_serving_plan_chart_draws_the_pareto_front_and_the_chosen_point()
    {
        var texts = ChartFiles.SvgTextsOf("plan", Scenarios.Repo("samples/llama3-70b-serving-plan.yaml"));
        Assert.Contains(texts, t => t.StartsWith("Serving trade-off", StringComparison.Ordinal));
        Assert.Contains("output tokens/s per user (1 / TPOT)", texts);
        Assert.Contains("output tokens/s per GPU", texts);
        Assert.Contains("Pareto front", texts);
        Assert.Single(texts, t => t.StartsWith("chosen:", StringComparison.Ordinal));
    }

    [Fact]
    public void The_serving_estimate_chart_stacks_prefill_and_decode_by_part()
    {
        var s = Augur.Workflows.ScenarioLoader.FromFile(CatalogStore.Default, Scenarios.Repo("samples/deepseek-v3-serving.yaml"), []);
        var o = (InferenceEstimateOutcome)EstimateWorkflow.Run(s, CatalogStore.Default);
        var texts = ChartFiles.SvgTexts(InferenceCharts.Estimate(o));
        Assert.Contains("time per iteration (ms)", texts);
        Assert.Contains("prefill iteration", texts);
        Assert.Contains(texts, t => t.StartsWith("decode step (batch", StringComparison.Ordinal));
        // Every pass computes and pays the calibrated serving overhead.
        Assert.Contains("compute", texts);
        Assert.Contains("overhead", texts);
        ChartFiles.AssertPng(InferenceCharts.Estimate(o));
    }
}
