using Augur.Domain.Workloads;
using Augur.Workflows;
using ScottPlot;

namespace Augur.Plots;

/// <summary>Predicted against measured tokens/s per GPU on log axes, one series per workload and tier, with the y = x line.</summary>
public static class ValidationChart
{
    public static Chart Of(ValidationOutcome o)
    {
        var p = Style.New("Predicted against published throughput", "published tokens/s per GPU (log scale)", "predicted tokens/s per GPU (log scale)");
        var tiers = o.Cases.GroupBy(c => $"{c.Case.Scenario.Workload.ToString().ToLowerInvariant()} {c.Case.Tier.Key()}").OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
        for (int i = 0; i < tiers.Count; i++)
            Style.Points(p, tiers[i].Select(c => Math.Log10(c.MeasuredTokensPerGpu)).ToList(), tiers[i].Select(c => Math.Log10(c.PredictedTokensPerGpu)).ToList(),
                $"{tiers[i].Key} cases", i);
        var all = o.Cases.SelectMany(c => new[] { c.MeasuredTokensPerGpu, c.PredictedTokensPerGpu }).ToList();
        if (all.Count > 0)
        {
            double lo = Math.Floor(Math.Log10(all.Min())), hi = Math.Ceiling(Math.Log10(all.Max()));
            var diagonal = p.Add.Line(lo, lo, hi, hi);
            diagonal.LinePattern = LinePattern.Dashed;
            diagonal.Color = Colors.Gray;
            diagonal.LegendText = "prediction = measurement";
        }
        Style.LogAxis(p.Axes.Bottom);
        Style.LogAxis(p.Axes.Left);
        p.ShowLegend(Alignment.UpperLeft);
        return new Chart([p]);
    }
}
