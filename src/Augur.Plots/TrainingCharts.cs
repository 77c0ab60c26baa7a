using Augur.CostModels.Training;
using Augur.Domain.Workloads;
using Augur.Workflows;
using ScottPlot;

namespace Augur.Plots;

/// <summary>Pictures of a training estimate and of a training layout search.</summary>
public static class TrainingCharts
{
    /// <summary>
    /// The pictures of a training estimate, in the order <see cref="Chart.SaveAll"/> writes them: the step and memory
    /// parts, the pipeline schedule ("schedule") and the device mesh ("mesh").
    /// </summary>
    public static IReadOnlyList<(string Name, Chart Chart)> Pictures(TrainingEstimateOutcome o) =>
        [("", Estimate(o)), ("schedule", PipelineChart.Of(o)), ("mesh", MeshChart.Of(o))];

    /// <summary>Two panels: where the step time goes and what each GPU holds, both stacked by part.</summary>
    public static Chart Estimate(TrainingEstimateOutcome o)
    {
        var e = o.Estimate;
        var s = o.Scenario;
        string who = FormattableString.Invariant($"{s.Model.Name} on {s.Cluster.Gpus:N0} x {s.Cluster.Accelerator.Id}");
        var time = Style.New($"Step time by part: {who}", FormattableString.Invariant($"layout {e.Layout}"), "time per step (s)");
        Style.StackedBars(time, [FormattableString.Invariant($"step {e.StepTime.Value:0.###} s")], e.Breakdown.Parts().Select(x => (Style.Words(x.Name), new[] { x.Time.Value })).ToList());
        var memory = Style.New("Memory per GPU by part (most loaded stage)", "", "memory per GPU (GiB)");
        Style.StackedBars(memory, [FormattableString.Invariant($"total {e.Memory.Total.GiB:0.#} GiB")], e.Memory.Parts().Select(x => (Style.Words(x.Name), new[] { x.Size.GiB })).ToList());
        double hbm = s.Cluster.Accelerator.HbmCapacity.GiB;
        LimitLine(memory.Add.HorizontalLine(hbm), s);
        memory.Axes.SetLimitsY(0, Math.Max(hbm, e.Memory.Total.GiB) * 1.1);
        return new Chart([time, memory]);
    }

    /// <summary>Every ranked layout as a point of step time against memory per GPU; the winner starred; the HBM limit.</summary>
    public static Chart Plan(TrainingPlanOutcome o)
    {
        var s = o.Scenario;
        var p = Style.New(FormattableString.Invariant($"Ranked training layouts: {s.Model.Name} on {s.Cluster.Gpus:N0} x {s.Cluster.Accelerator.Id}"),
            "memory per GPU (GiB)", "step time (s)");
        var ranked = o.Plan.Ranked;
        Style.Points(p, ranked.Select(e => e.Memory.Total.GiB).ToList(), ranked.Select(e => e.StepTime.Value).ToList(), FormattableString.Invariant($"the {ranked.Count} best layouts"), 0);
        if (o.Best is { } w)
            Style.Points(p, [w.Memory.Total.GiB], [w.StepTime.Value], $"winner: {w.Layout}", 1, MarkerShape.FilledDiamond, 14);
        double hbm = s.Cluster.Accelerator.HbmCapacity.GiB;
        LimitLine(p.Add.VerticalLine(hbm), s);
        p.Axes.SetLimitsX(0, Math.Max(hbm, ranked.Count > 0 ? ranked.Max(e => e.Memory.Total.GiB) : 0) * 1.1);
        p.ShowLegend(Alignment.UpperLeft);
        return new Chart([p]);
    }

    static void LimitLine(ScottPlot.Plottables.AxisLine line, Scenario s)
    {
        line.LinePattern = LinePattern.Dashed;
        line.Color = Colors.Red;
        line.LegendText = FormattableString.Invariant($"HBM of one {s.Cluster.Accelerator.Id} ({s.Cluster.Accelerator.HbmCapacity.GiB:0.#} GiB)");
    }
}
