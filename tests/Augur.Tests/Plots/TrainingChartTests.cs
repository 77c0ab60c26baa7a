using Augur.Catalog.Loading;
using Augur.Domain.Workloads;
using Augur.Plots;
using Augur.Workflows;

namespace Augur.Tests.Plots;

public class TrainingChartTests
{
    static readonly Scenario Sample = Augur.Workflows.ScenarioLoader.FromFile(CatalogStore.Default, Scenarios.Repo("samples/llama3-405b-pretrain.yaml"), []);

    [Fact]
    public void The_estimate_chart_stacks_every_nonzero_step_part_and_memory_part_with_the_hbm_line()
    {
        var o = (TrainingEstimateOutcome)EstimateWorkflow.Run(Sample, CatalogStore.Default);
        var texts = ChartFiles.SvgTexts(TrainingCharts.Estimate(o));
        Assert.Contains(texts, t => t.StartsWith("Step time by part", StringComparison.Ordinal));
        Assert.Contains("time per step (s)", texts);
        Assert.Contains("memory per GPU (GiB)", texts);
        // One legend entry per part that takes time; the 405B sample's layout (tp 8, pp 16, dp) spends time on
        // compute, the bubble and tensor-parallel communication at least.
        var stepParts = o.Estimate.Breakdown.Parts().Where(p => p.Time.Value > 0).Select(p => p.Name.Replace('_', ' ')).ToList();
        Assert.Superset(new HashSet<string> { "compute", "pipeline bubble", "tp comm" }, stepParts.ToHashSet());
        foreach (var part in stepParts) Assert.Contains(part, texts);
        // Training holds weights, gradients, optimizer states and activations; never a KV cache.
        foreach (var part in new[] { "weights", "gradients", "optimizer", "activations" }) Assert.Contains(part, texts);
        Assert.DoesNotContain("kv cache", texts);
        Assert.Contains(texts, t => t.StartsWith("HBM of one", StringComparison.Ordinal));
        ChartFiles.AssertPng(TrainingCharts.Estimate(o));
    }

    [Fact]
    public void The_plan_chart_marks_the_ranked_layouts_the_winner_and_the_memory_limit()
    {
        var texts = ChartFiles.SvgTextsOf("plan", Scenarios.Repo("samples/llama3-405b-plan.yaml"), "--top", "5");
        Assert.Contains(texts, t => t.StartsWith("Ranked training layouts", StringComparison.Ordinal));
        Assert.Contains("memory per GPU (GiB)", texts);
        Assert.Contains("step time (s)", texts);
        // The chart draws the best 200 of the thousands of layouts the 405B space holds, though the table shows 5.
        Assert.Contains("the 200 best layouts", texts);
        Assert.Single(texts, t => t.StartsWith("winner:", StringComparison.Ordinal));
        Assert.Single(texts, t => t.StartsWith("HBM of one", StringComparison.Ordinal));
    }
}
