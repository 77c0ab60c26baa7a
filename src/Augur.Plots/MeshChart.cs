using System.Globalization;
using Augur.Domain.Parallelism;
using Augur.Workflows;
using ScottPlot;

namespace Augur.Plots;

/// <summary>
/// The device mesh of a training layout: every GPU a cell, in rows of its scale-up island (a server of an 8-GPU
/// system, a rack of an NVL72), coloured by pipeline stage and labelled with its place in each group, and each rack
/// outlined where the catalog gives the system's rack size; the legend says how each kind of group lies over the
/// islands, and how big the racks are (or that the catalog has no rack size for the system).
/// </summary>
public static class MeshChart
{
    /// <summary>GPUs drawn at most; a larger cluster shows the islands that hold one data-parallel replica (or the first of them).</summary>
    public const int MaxGpus = 256;

    /// <summary>Cells in one row; a larger island wraps onto more rows.</summary>
    const int Columns = 8;

    static readonly IPalette Stages = new ScottPlot.Palettes.Category20();

    public static Chart Of(TrainingEstimateOutcome o)
    {
        var s = o.Scenario;
        var l = o.Estimate.Layout;
        var mesh = new DeviceMesh(l, s.Cluster.ScaleUpDomain);
        var (ranks, what) = Shown(mesh);
        var p = Style.New(FormattableString.Invariant($"Device mesh, {Degrees(l)} on {mesh.Gpus:N0} x {s.Cluster.Accelerator.Id}: {what}"),
            "GPU within the row", FormattableString.Invariant($"scale-up island ({mesh.IslandSize} GPUs each)"));

        // Rows: each island's shown GPUs in runs of Columns, islands one after another; a row ends at a rack's edge too.
        int? rack = s.Cluster.RackGpus;
        var rows = new List<(long Island, long Rack, List<long> Ranks)>();
        foreach (var rank in ranks)
        {
            long island = rank / mesh.IslandSize, inRack = rack is { } r ? rank / r : -1;
            if (rows.Count == 0 || rows[^1].Island != island || rows[^1].Rack != inRack || rows[^1].Ranks.Count == Columns) rows.Add((island, inRack, []));
            rows[^1].Ranks.Add(rank);
        }
        var cells = rows.SelectMany((row, y) => row.Ranks.Select((rank, x) => (X: x, Y: y, At: mesh.At(rank)))).ToList();
        var bars = cells.Select(c => new Bar
        {
            Position = c.X, ValueBase = c.Y - 0.42, Value = c.Y + 0.42, Size = 0.92,
            FillColor = Stages.GetColor(c.At.Pp).WithAlpha(0.55), LineWidth = 0, Label = Cell(c.At, l), CenterLabel = true,
        }).ToList();
        p.Add.Bars(bars).ValueLabelStyle.FontSize = 11;
        p.Axes.Left.SetTicks(Enumerable.Range(0, rows.Count).Select(y => (double)y).ToArray(), rows.Select(Row).ToArray());
        p.Axes.Bottom.SetTicks(Enumerable.Range(0, Columns).Select(x => (double)x).ToArray(), Enumerable.Range(0, Columns).Select(x => x.ToString(CultureInfo.InvariantCulture)).ToArray());
        p.Axes.InvertY();
        // The legend is one line per kind of group (the cells name their stage).
        foreach (var g in mesh.Groups())
            p.Legend.ManualItems.Add(new LegendItem { LabelText = Summary(g) });
        DrawRacks(p, rows.Select(row => row.Rack).ToList());
        p.Legend.ManualItems.Add(new LegendItem { LabelText = Racks(s.Cluster.RackGpus, mesh.IslandSize, s.Cluster.SystemName) });
        p.ShowLegend(Edge.Bottom);
        return new Chart([p], Math.Max(Chart.StandardHeight, 170 + 26 * rows.Count));

        string Row((long Island, long Rack, List<long> Ranks) row) => FormattableString.Invariant(
            $"{(row.Rack < 0 ? "" : rack == mesh.IslandSize ? $"rack {row.Rack} = " : $"rack {row.Rack}, ")}island {row.Island}: GPUs {row.Ranks[0]}-{row.Ranks[^1]}");
    }

    /// <summary>An outline around each rack's rows (rows given by their rack, -1 where the system has no rack size).</summary>
    static void DrawRacks(Plot p, IReadOnlyList<long> rackOfRow)
    {
        for (int first = 0; first < rackOfRow.Count;)
        {
            int last = first;
            while (last + 1 < rackOfRow.Count && rackOfRow[last + 1] == rackOfRow[first]) last++;
            if (rackOfRow[first] >= 0)
            {
                var box = p.Add.Rectangle(-0.5, Columns - 0.5, first - 0.48, last + 0.48);
                box.FillStyle.Color = Colors.Transparent;
                box.LineStyle.Color = Colors.Black;
                box.LineStyle.Width = 2;
            }
            first = last + 1;
        }
    }

    /// <summary>The legend's line on racks: their size and how they hold the islands, or that the catalog gives none.</summary>
    static string Racks(int? rack, int island, string system) => rack switch
    {
        null => FormattableString.Invariant($"racks: not drawn, the catalog gives no rack size for {system} (rows are its {island}-GPU scale-up islands)"),
        { } r when r == island => FormattableString.Invariant($"racks (outlined): {r} GPUs each, one scale-up island"),
        { } r when r % island == 0 => FormattableString.Invariant($"racks (outlined): {r} GPUs each, {r / island} scale-up islands"),
        { } r => FormattableString.Invariant($"racks (outlined): {r} GPUs each, islands of {island}"),
    };

    /// <summary>The ranks drawn and how the title names them.</summary>
    static (IReadOnlyList<long> Ranks, string What) Shown(DeviceMesh mesh)
    {
        var l = mesh.Layout;
        if (mesh.Gpus <= MaxGpus) return (Enumerable.Range(0, (int)mesh.Gpus).Select(r => (long)r).ToList(), "every GPU");
        // Whole islands, so that the replica's neighbours in its DP and EP groups show beside it.
        var islands = mesh.Replica(0).Select(r => r / mesh.IslandSize).Distinct().ToList();
        int fit = Math.Max(1, MaxGpus / mesh.IslandSize);
        var shown = islands.Take(fit).ToList();
        var ranks = shown.SelectMany(i => Enumerable.Range(0, mesh.IslandSize).Select(k => i * mesh.IslandSize + k)).Where(r => r < mesh.Gpus).ToList();
        string which = shown.Count < islands.Count ? $"first {shown.Count} of {islands.Count}" : $"{shown.Count}";
        return (ranks, FormattableString.Invariant($"{which} islands with DP replica 0 ({ranks.Count:N0} GPUs)"));
    }

    static string Degrees(ParallelLayout l) => string.Join(' ',
        new[] { ("tp", l.Tp), ("cp", l.Cp), ("pp", l.Pp), ("dp", l.Dp), ("ep", l.Ep), ("etp", l.Etp) }.Where(d => d.Item2 > 1).Select(d => $"{d.Item1}{d.Item2}"));

    /// <summary>A GPU's index in each group it belongs to: s(tage), t(ensor), c(ontext), d(ata), e(xpert).</summary>
    static string Cell(MeshCoordinates c, ParallelLayout l)
    {
        var parts = new List<string> { $"s{c.Pp}", $"t{c.Tp}" };
        if (l.Cp > 1) parts.Add($"c{c.Cp}");
        parts.Add($"d{c.Dp}");
        if (l.Ep > 1) parts.Add($"e{c.Ep}");
        return string.Join(' ', parts);
    }

    static string Summary(MeshGroup g) => FormattableString.Invariant(
        $"{g.Kind} groups: {g.Size} GPUs {(g.Stride == 1 ? "in a row" : $"{g.Stride:N0} apart")}, {(g.Islands == 1 ? "inside one island" : $"over {g.Islands:N0} islands")}");
}
