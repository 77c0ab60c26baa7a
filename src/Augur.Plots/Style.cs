using ScottPlot;

namespace Augur.Plots;

/// <summary>Drawing steps every chart shares: titles and axis labels, stacked bars, category ticks.</summary>
static class Style
{
    static readonly IPalette Palette = new ScottPlot.Palettes.Category10();

    public static Color ColorOf(int i) => Palette.GetColor(i);

    public static Plot New(string title, string x, string y)
    {
        var p = new Plot();
        p.Title(title);
        p.XLabel(x);
        p.YLabel(y);
        return p;
    }

    /// <summary>
    /// One stacked bar per category, one series per part (parts zero in every bar are left out of the legend and
    /// the picture). Values are already in the axis unit.
    /// </summary>
    public static void StackedBars(Plot p, IReadOnlyList<string> categories, IReadOnlyList<(string Part, double[] Values)> parts)
    {
        var bases = new double[categories.Count];
        int color = 0;
        foreach (var (part, values) in parts)
        {
            if (values.All(v => v == 0)) { color++; continue; }
            var bars = values.Select((v, i) => new Bar { Position = i, ValueBase = bases[i], Value = bases[i] + v, FillColor = ColorOf(color) }).ToList();
            p.Add.Bars(bars).LegendText = part;
            for (int i = 0; i < bases.Length; i++) bases[i] += values[i];
            color++;
        }
        CategoryTicks(p, categories);
        p.Axes.Margins(bottom: 0);
        p.ShowLegend(Edge.Right);
    }

    public static void CategoryTicks(Plot p, IReadOnlyList<string> categories) =>
        p.Axes.Bottom.SetTicks(Enumerable.Range(0, categories.Count).Select(i => (double)i).ToArray(), categories.ToArray());

    /// <summary>Points without lines, in the legend as <paramref name="label"/>.</summary>
    public static void Points(Plot p, IReadOnlyList<double> xs, IReadOnlyList<double> ys, string label, int color, MarkerShape shape = MarkerShape.FilledCircle, float size = 7)
    {
        var s = p.Add.Scatter(xs.ToArray(), ys.ToArray());
        s.LineWidth = 0;
        s.MarkerShape = shape;
        s.MarkerSize = size;
        s.Color = ColorOf(color);
        s.LegendText = label;
    }

    /// <summary>Part names from the reports' snake_case keys to words: pipeline_bubble → pipeline bubble.</summary>
    public static string Words(string key) => key.Replace('_', ' ');

    /// <summary>An axis whose data were given as log10 of the value: ticks at whole decades labelled with the value.</summary>
    public static void LogAxis(IAxis axis)
    {
        axis.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
            IntegerTicksOnly = true,
            LabelFormatter = v => Math.Pow(10, v).ToString(v >= 0 ? "#,0" : "0.###", System.Globalization.CultureInfo.InvariantCulture),
        };
    }
}
