using Augur.CostModels.Inference;
using Augur.Workflows;
using ScottPlot;

namespace Augur.Plots;

/// <summary>Pictures of a serving estimate and of a serving layout search.</summary>
public static class InferenceCharts
{
    /// <summary>One prefill iteration and one decode step of a replica, each stacked by part, in milliseconds.</summary>
    public static Chart Estimate(InferenceEstimateOutcome o)
    {
        var s = o.Scenario;
        var e = o.Estimate;
        var p = Style.New($"Serving iteration time by part: {s.Model.Name} on {s.Cluster.Accelerator.Id}, {e.Layout.Describe()}", "", "time per iteration (ms)");
        IterationCost[] passes = [e.PrefillIteration, e.DecodeStep];
        Style.StackedBars(p, ["prefill iteration", FormattableString.Invariant($"decode step (batch {e.Concurrency})")],
        [
            ("compute", passes.Select(x => x.Compute.Total.Value * 1000).ToArray()),
            ("tp comm", passes.Select(x => x.TensorParallel.Value * 1000).ToArray()),
            ("ep comm", passes.Select(x => x.ExpertParallel.Value * 1000).ToArray()),
            ("pp comm", passes.Select(x => x.PipelineP2P.Value * 1000).ToArray()),
            ("overhead", passes.Select(x => x.Overhead.Value * 1000).ToArray()),
        ]);
        return new Chart([p]);
    }

    /// <summary>The Pareto front of tokens/s per GPU against tokens/s per user, with the chosen point.</summary>
    public static Chart Plan(InferencePlanOutcome o)
    {
        var s = o.Scenario;
        var p = Style.New($"Serving trade-off: {s.Model.Name} on {s.Cluster.Accelerator.Id}",
            "output tokens/s per user (1 / TPOT)", "output tokens/s per GPU");
        var front = o.Plan.Pareto;
        var line = p.Add.Scatter(front.Select(x => x.TokensPerSecondPerUser).ToArray(), front.Select(x => x.TokensPerSecondPerGpu).ToArray());
        line.Color = Style.ColorOf(0);
        line.MarkerSize = 7;
        line.LegendText = "Pareto front";
        var w = o.Plan.Best;
        Style.Points(p, [w.TokensPerSecondPerUser], [w.TokensPerSecondPerGpu], FormattableString.Invariant($"chosen: {w.Layout.Describe()}, {w.Mode.ToString().ToLowerInvariant()}, batch {w.Batch}"), 3, MarkerShape.FilledDiamond, 14);
        p.ShowLegend(Alignment.UpperRight);
        return new Chart([p]);
    }
}
