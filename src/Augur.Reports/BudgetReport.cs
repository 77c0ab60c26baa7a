using System.Text.Json.Nodes;
using Augur.CostModels.Run;
using Augur.Domain.Hardware;
using Augur.Reports.Console;
using Augur.Reports.Json;
using Augur.Units;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Augur.Reports;

/// <summary>Back-of-envelope time for a FLOP budget, making dense vs 2:4-sparse peaks explicit.</summary>
public static class BudgetReport
{
    public sealed record Row(string Peak, double PeakTflops, bool Sparse, double YearsAtPeak, double YearsAtUtilization);

    public static IReadOnlyList<Row> Rows(Accelerator a, double flops, int gpus, double utilization)
    {
        var rows = new List<Row>();
        foreach (var p in new[] { Precision.FP8, Precision.BF16, Precision.FP4 })
        {
            if (!a.Supports(p)) continue;
            var dense = a.Peak(p) * gpus;
            rows.Add(Make($"{p.Label()} dense", dense, false));
            if (p == Precision.FP8) rows.Insert(0, Make("fp8 2:4 sparse (vendor headline)", dense * 2, true));
        }
        return rows;

        Row Make(string name, FlopRate rate, bool sparse) => new(name, rate.Tflops / gpus, sparse,
            RunProjection.TimeAt(new Flops(flops), rate, 1).Years, RunProjection.TimeAt(new Flops(flops), rate, utilization).Years);
    }

    public static IRenderable[] Tables(Accelerator a, double flops, int gpus, double u, IReadOnlyList<Row> rows)
    {
        // The time is shown in the unit that fits it (a big cluster spends a budget in days or hours, not "0 years").
        var t = Render.Table("peak per GPU", "PFLOP/s", "time at 100%", $"time at {Format.Pct(u)}");
        foreach (var r in rows)
            t.AddRow(r.Peak, Format.N(r.PeakTflops / 1000, "0.###"), Format.Seconds(r.YearsAtPeak * UnitConstants.SecondsPerYear), Format.Seconds(r.YearsAtUtilization * UnitConstants.SecondsPerYear));
        var notes = new List<IRenderable> { Render.Line($"{Format.Sci(flops)} FLOPs on {gpus} × {a.Name}:"), t };
        var sparse = rows.FirstOrDefault(r => r.Sparse);
        if (sparse is not null)
            notes.Add(Render.Line($"Note: {Format.N(sparse.PeakTflops / 1000, "0.#")} PFLOP/s is the FP8 figure WITH 2:4 structured sparsity; dense training runs at most at the dense rates (FP8 {Format.N(sparse.PeakTflops / 2000, "0.##")}, BF16 {Format.N(a.Peak(Precision.BF16).Pflops, "0.##")} PFLOP/s)."));
        return notes.ToArray();
    }

    public static JsonObject Json(Accelerator a, double flops, int gpus, double u, IReadOnlyList<Row> rows) => new()
    {
        ["hardware"] = a.Id, ["flops"] = JsonOut.Num(flops), ["gpus"] = gpus, ["utilization"] = JsonOut.Num(u),
        ["rows"] = new JsonArray(rows.Select(r => (JsonNode)new JsonObject
        {
            ["peak"] = r.Peak, ["peak_pflops_per_gpu"] = JsonOut.Num(r.PeakTflops / 1000), ["sparse"] = r.Sparse,
            ["years_at_peak"] = JsonOut.Num(r.YearsAtPeak), ["years_at_utilization"] = JsonOut.Num(r.YearsAtUtilization),
        }).ToArray()),
    };
}
