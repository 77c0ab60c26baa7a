using System.Globalization;
using Augur.Domain;
using Augur.Workflows.Sweeps;
using ScottPlot;

namespace Augur.Plots;

/// <summary>
/// A sweep as a line (one key varies) or a heat map (two vary). Training sweeps show step time, serving sweeps
/// tokens/s per GPU; points that do not fit or were refused leave a gap.
/// </summary>
public static class SweepChart
{
    /// <summary>Refuses, before the sweep runs, a grid no chart can show: more than two keys with several values.</summary>
    public static void Check(SweepGrid grid)
    {
        var varied = Varied(grid);
        if (varied.Count > 2)
            throw new InputException($"--plot draws one or two varied keys (a line or a heat map); this sweep varies {varied.Count}: {string.Join(", ", varied.Select(a => a.Key))}");
    }

    public static Chart Of(SweepGrid grid, IReadOnlyList<SweepPoint> points)
    {
        Check(grid);
        var varied = Varied(grid);
        var (metric, value) = Metric(points);
        int gaps = points.Count(p => p.Status != SweepStatus.Ok || value(p.Metrics) is null);
        string note = gaps > 0 ? FormattableString.Invariant($" ({gaps} of {points.Count} points refused or not fitting: gaps)") : "";
        return varied.Count == 2 ? HeatMap(grid, varied, points, metric, value, note) : Line(grid, varied, points, metric, value, note);
    }

    static List<SweepAxis> Varied(SweepGrid grid)
    {
        var varied = grid.Axes.Where(a => a.Values.Count > 1).ToList();
        return varied.Count > 0 ? varied : [grid.Axes[0]];
    }

    static (string Label, Func<SweepMetrics, double?> Value) Metric(IReadOnlyList<SweepPoint> points) =>
        points.Any(p => p.Metrics.StepTimeSeconds is not null)
            ? ("step time (s)", m => m.StepTimeSeconds)
            : ("output tokens/s per GPU", m => m.TokensPerSecondPerGpu);

    static int Position(SweepGrid grid, SweepAxis axis, SweepPoint p) =>
        axis.Values.ToList().IndexOf(p.Settings[grid.Axes.ToList().IndexOf(axis)]);

    static Chart Line(SweepGrid grid, List<SweepAxis> varied, IReadOnlyList<SweepPoint> points, string metric, Func<SweepMetrics, double?> value, string note)
    {
        var axis = varied[0];
        bool numeric = axis.Values.All(v => double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out _));
        var p = Style.New($"Sweep of {axis.Key}: {metric}{note}", axis.Key, metric);
        var xs = new List<double>();
        var ys = new List<double>();
        foreach (var pt in points.OrderBy(q => Position(grid, axis, q)))
        {
            if (value(pt.Metrics) is not { } y || pt.Status != SweepStatus.Ok) continue;
            int i = Position(grid, axis, pt);
            xs.Add(numeric ? double.Parse(axis.Values[i], CultureInfo.InvariantCulture) : i);
            ys.Add(y);
        }
        var line = p.Add.Scatter(xs.ToArray(), ys.ToArray());
        line.MarkerSize = 7;
        line.Color = Style.ColorOf(0);
        if (!numeric) Style.CategoryTicks(p, axis.Values);
        return new Chart([p]);
    }

    static Chart HeatMap(SweepGrid grid, List<SweepAxis> varied, IReadOnlyList<SweepPoint> points, string metric, Func<SweepMetrics, double?> value, string note)
    {
        SweepAxis across = varied[1], up = varied[0];
        // Row 0 of a heat map is drawn at the top, so the first value of the upward axis is the last row.
        var cells = new double[up.Values.Count, across.Values.Count];
        for (int r = 0; r < up.Values.Count; r++)
            for (int c = 0; c < across.Values.Count; c++) cells[r, c] = double.NaN;
        foreach (var pt in points)
            if (pt.Status == SweepStatus.Ok && value(pt.Metrics) is { } v)
                cells[up.Values.Count - 1 - Position(grid, up, pt), Position(grid, across, pt)] = v;
        var p = Style.New($"Sweep of {up.Key} and {across.Key}: {metric}{note}", across.Key, up.Key);
        var map = p.Add.Heatmap(cells);
        map.Colormap = new ScottPlot.Colormaps.Viridis();
        // Cell centres on whole coordinates, where the ticks name each value.
        map.Position = new CoordinateRect(0, across.Values.Count - 1, 0, up.Values.Count - 1);
        p.Add.ColorBar(map).Label = metric;
        Style.CategoryTicks(p, across.Values);
        p.Axes.Left.SetTicks(Enumerable.Range(0, up.Values.Count).Select(i => (double)i).ToArray(), up.Values.ToArray());
        return new Chart([p]);
    }
}
