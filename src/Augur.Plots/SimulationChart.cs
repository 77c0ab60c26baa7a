using Augur.Simulation.Serving;
using Augur.Workflows;
using ScottPlot;

namespace Augur.Plots;

/// <summary>What a serving simulation measured: the latency distributions, and the deployment's load over time.</summary>
public static class SimulationChart
{
    const int Bins = 40;

    /// <summary>The pictures of a simulation, in the order <see cref="Chart.SaveAll"/> writes them: latencies, then load ("load").</summary>
    public static IReadOnlyList<(string Name, Chart Chart)> Pictures(ServingSimulationOutcome o) => [("", Of(o)), ("load", Load(o))];

    /// <summary>Histograms of time to first token, time per output token and end-to-end latency.</summary>
    public static Chart Of(ServingSimulationOutcome o)
    {
        var d = o.Result.Distributions;
        return new Chart(
        [
            Histogram("Time to first token", "TTFT (ms)", d.TimeToFirstToken, 0),
            Histogram("Time per output token", "TPOT (ms)", d.TimePerOutputToken, 1),
            Histogram("End-to-end latency", "end-to-end (s)", d.EndToEnd, 2, toAxis: 1),
        ]);
    }

    /// <summary>
    /// Two panels over the run, from the simulator's bounded time series: requests waiting and sequences running,
    /// then the share of the KV cache in use, all summed over replicas.
    /// </summary>
    public static Chart Load(ServingSimulationOutcome o)
    {
        var series = o.Result.TimeSeries;
        var t = series.Samples.Select(x => x.Time.Value).ToArray();
        string every = FormattableString.Invariant($"sampled every {series.Interval.Value:0.####} s");
        var queue = Style.New($"Requests waiting and sequences running over time ({every})", "time (s)", "requests or sequences");
        Line(queue, t, series.Samples.Select(x => (double)x.WaitingRequests).ToArray(), "waiting requests (queued, not admitted)", 0);
        Line(queue, t, series.Samples.Select(x => (double)x.RunningSequences).ToArray(), "running sequences (prefilling or decoding)", 1);
        queue.Axes.Margins(bottom: 0);
        queue.ShowLegend(Alignment.UpperLeft);
        var kv = Style.New("KV cache in use over time, all replicas", "time (s)", "KV cache used (%)");
        Line(kv, t, series.Samples.Select(x => x.KvCacheUsedFraction * 100).ToArray(), "KV cache blocks in use", 2);
        kv.Axes.SetLimitsY(0, 105);
        kv.ShowLegend(Alignment.UpperLeft);
        return new Chart([queue, kv]);
    }

    static void Line(Plot p, double[] t, double[] values, string label, int color)
    {
        var s = p.Add.ScatterLine(t, values);
        s.Color = Style.ColorOf(color);
        s.LineWidth = 2;
        s.LegendText = label;
    }

    /// <param name="toAxis">Seconds to the axis unit (1000 for ms).</param>
    static Plot Histogram(string title, string x, LatencyDistribution values, int color, double toAxis = 1000)
    {
        var p = Style.New(FormattableString.Invariant($"{title} over {values.Count:N0} requests"), x, "requests");
        var bins = values.Histogram(Bins);
        if (bins.Count > 0)
        {
            var bars = bins.Select(b => new Bar { Position = (b.Low + b.High) / 2 * toAxis, Value = b.Count, Size = (b.High - b.Low) * toAxis, FillColor = Style.ColorOf(color) }).ToList();
            p.Add.Bars(bars).LegendText = x;
        }
        p.Axes.Margins(bottom: 0);
        p.ShowLegend(Alignment.UpperRight);
        return p;
    }
}
