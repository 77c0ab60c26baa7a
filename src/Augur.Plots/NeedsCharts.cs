using Augur.Domain.Workloads;
using Augur.Workflows.Needs;
using ScottPlot;

namespace Augur.Plots;

/// <summary>Pictures of an inverse search (each probe's objective, met or not) and of a sensitivity table.</summary>
public static class NeedsCharts
{
    /// <summary>Each planned probe's objective against the amount, met or not (refused probes have none to draw).</summary>
    public static Chart Probes(NeedsOutcome o)
    {
        string resource = Resources.Name(o.Resource), unit = Resources.Unit(o.Resource);
        // Probes span up to 64x either way: a log axis then, a plain one when they stay within a decade.
        var amounts = o.Probes.Select(x => x.Value).Append(o.Current).ToList();
        bool log = amounts.Max() / amounts.Min() >= 10;
        Func<double, double> X = log ? Math.Log10 : v => v;
        var planned = o.Probes.Where(p => p.Plan is not null && SensitivityWorkflow.Objective(p.Plan) is not null).ToList();
        bool training = planned.FirstOrDefault()?.Plan?.Scenario.Workload != WorkloadKind.Inference;
        string objective = training ? "step time (s)" : "output tokens/s per GPU";
        var p = Style.New($"Least {resource} to {string.Join(" and ", o.Targets.Select(t => t.Describe()))}", log ? $"{resource} ({unit}, log scale)" : $"{resource} ({unit})", objective);
        foreach (var (met, label, color) in new[] { (true, "probe meets the targets", 2), (false, "probe misses the targets", 3) })
        {
            var group = planned.Where(x => x.Met == met).ToList();
            if (group.Count == 0) continue;
            Style.Points(p, group.Select(x => X(x.Value)).ToList(), group.Select(x => SensitivityWorkflow.Objective(x.Plan!)!.Value).ToList(), label, color);
        }
        Marker(p.Add.VerticalLine(X(o.Current)), FormattableString.Invariant($"scenario's own: {o.Current:G4} {unit}"), Colors.Gray);
        if (o.Least is { } least) Marker(p.Add.VerticalLine(X(least)), FormattableString.Invariant($"least that meets: {least:G4} {unit}"), Colors.Green);
        if (log) Style.LogAxis(p.Axes.Bottom);
        p.ShowLegend(Alignment.UpperRight);
        return new Chart([p]);
    }

    /// <summary>One bar per resource: the objective's gain from 10% more of it.</summary>
    public static Chart Sensitivity(SensitivityOutcome o)
    {
        var rows = o.Rows.Where(r => r.Gain is not null).ToList();
        string objective = o.Workload == WorkloadKind.Training ? "step time" : "output tokens/s per GPU";
        var p = Style.New(FormattableString.Invariant($"Gain in {objective} from +{(SensitivityWorkflow.Step - 1) * 100:0}% of each resource"), "resource", "gain (%)");
        var bars = rows.Select((r, i) => new Bar { Position = i, Value = r.Gain!.Value * 100, FillColor = Style.ColorOf(0) }).ToList();
        p.Add.Bars(bars).LegendText = "gain from the raised resource";
        Style.CategoryTicks(p, rows.Select(r => Resources.Name(r.Resource)).ToList());
        p.Axes.Margins(bottom: 0);
        p.ShowLegend(Alignment.UpperRight);
        return new Chart([p]);
    }

    static void Marker(ScottPlot.Plottables.AxisLine line, string label, Color color)
    {
        line.LinePattern = LinePattern.Dashed;
        line.Color = color;
        line.LegendText = label;
    }
}
