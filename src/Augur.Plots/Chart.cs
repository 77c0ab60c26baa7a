using System.Text.RegularExpressions;
using Augur.Domain;
using ScottPlot;

namespace Augur.Plots;

/// <summary>The file formats a chart is written in, chosen by the file's extension.</summary>
public enum ChartFormat { Png, Svg }

/// <summary>A picture of one or more panels stacked top to bottom, each a full ScottPlot plot.</summary>
/// <param name="panelHeight">Pixels per panel: the standard height unless the panel has rows to fit.</param>
public sealed partial class Chart(IReadOnlyList<Plot> panels, int panelHeight = Chart.StandardHeight)
{
    public const int Width = 1000, StandardHeight = 560;

    public IReadOnlyList<Plot> Panels { get; } = panels;

    public int PanelHeight { get; } = panelHeight;

    /// <summary>The format a --plot path asks for; anything but .png or .svg is bad input.</summary>
    public static ChartFormat FormatOf(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".png" => ChartFormat.Png,
        ".svg" => ChartFormat.Svg,
        _ => throw new InputException($"--plot {path}: name a .png or .svg file"),
    };

    /// <summary>
    /// Writes a command's pictures: the first to <paramref name="path"/>, each further one beside it with its name
    /// added to the file name (out.svg, then out-schedule.svg, out-mesh.svg). Returns the paths written.
    /// </summary>
    public static IReadOnlyList<string> SaveAll(string path, IReadOnlyList<(string Name, Chart Chart)> charts)
    {
        var paths = charts.Select((c, i) => i == 0 ? path : Beside(path, c.Name)).ToList();
        for (int i = 0; i < charts.Count; i++) charts[i].Chart.Save(paths[i]);
        return paths;
    }

    /// <summary>The path of a further picture named <paramref name="name"/> beside <paramref name="path"/>.</summary>
    public static string Beside(string path, string name) =>
        Path.Combine(Path.GetDirectoryName(path) ?? "", $"{Path.GetFileNameWithoutExtension(path)}-{name}{Path.GetExtension(path)}");

    public void Save(string path)
    {
        if (FormatOf(path) == ChartFormat.Png) SavePng(path);
        else File.WriteAllText(path, Svg());
    }

    void SavePng(string path)
    {
        if (Panels.Count == 1)
        {
            Panels[0].SavePng(path, Width, PanelHeight);
            return;
        }
        var multi = new Multiplot();
        multi.RemovePlot(multi.GetPlot(0));
        foreach (var p in Panels) multi.AddPlot(p);
        multi.SavePng(path, Width, PanelHeight * Panels.Count);
    }

    /// <summary>One SVG document; several panels become nested svg elements one below the other.</summary>
    public string Svg()
    {
        if (Panels.Count == 1) return Panels[0].GetSvgXml(Width, PanelHeight);
        var parts = Panels.Select((p, i) =>
            XmlDeclaration().Replace(p.GetSvgXml(Width, PanelHeight), "").Replace("<svg ", $"<svg y=\"{i * PanelHeight}\" ", StringComparison.Ordinal));
        return $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{PanelHeight * Panels.Count}\">{string.Concat(parts)}</svg>";
    }

    [GeneratedRegex(@"<\?xml[^>]*\?>")]
    private static partial Regex XmlDeclaration();
}
