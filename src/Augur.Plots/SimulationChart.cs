using Augur.Workflows;
using ScottPlot;

namespace Augur.Plots;

/// <summary>The distributions a serving simulation measured: time to first token and time per output token.</summary>
public static class SimulationChart
{
    const int Bins = 40;

    public static Chart Of(SimulationOutcome o)
    {
        var requests = o.Result.Requests;
        var ttft = Histogram("Time to first token", "TTFT (ms)", requests.Select(r => r.TimeToFirstToken.Value * 1000).ToList(), 0);
        var tpot = Histogram("Time per output token", "TPOT (ms)",
            requests.Where(r => r.TimePerOutputToken is not null).Select(r => r.TimePerOutputToken!.Value.Value * 1000).ToList(), 1);
        return new Chart([ttft, tpot]);
    }

    static Plot Histogram(string title, string x, IReadOnlyList<double> values, int color)
    {
        var p = Style.New($"{title} over {values.Count:N0} requests", x, "requests");
        if (values.Count > 0)
        {
            double lo = values.Min(), hi = values.Max();
            double width = (hi > lo ? hi - lo : 1) / Bins;
            var counts = new int[Bins];
            foreach (double v in values) counts[Math.Min(Bins - 1, (int)((v - lo) / width))]++;
            var bars = counts.Select((c, i) => new Bar { Position = lo + (i + 0.5) * width, Value = c, Size = width, FillColor = Style.ColorOf(color) }).ToList();
            p.Add.Bars(bars).LegendText = x;
        }
        p.Axes.Margins(bottom: 0);
        p.ShowLegend(Alignment.UpperRight);
        return p;
    }
}
