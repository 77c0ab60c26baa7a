using System.Globalization;
using System.Text.Json.Nodes;
using Augur.CostModels.Calibration;
using Augur.CostModels.Compute;
using Augur.Domain.Hardware;
using Augur.Reports.Console;
using Augur.Reports.Json;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Augur.Reports;

/// <summary>Parameters fitted to measured kernels beside the family file's current values.</summary>
public static class CalibrationReport
{
    public static IRenderable[] Tables(IReadOnlyList<KernelMeasurementSet> sets, HardwareCalibration family, KernelFitResult fit)
    {
        var items = new List<IRenderable>
        {
            Render.Line($"fitted to {string.Join(", ", sets.Select(s => $"{s.Id} ({s.AcceleratorId})"))}; family {family.Family} (catalog/calibration/{family.Family}.yaml):"),
        };
        var t = Render.Table("parameter", "fitted", "family file", "rows", "fit error", "fitted to");
        foreach (var p in fit.Parameters)
        {
            double? current = KernelFit.Current(family, p.Key);
            t.AddRow(p.Key, Value(p.Key, p.Value), current is { } c ? Value(p.Key, c) : "-", p.Rows.ToString(CultureInfo.InvariantCulture),
                Format.Pct(p.MeanAbsError), p.Basis);
        }
        items.Add(t);
        foreach (var why in fit.NotFitted) items.Add(Render.Line($"not fitted: {why}"));
        return items.ToArray();
    }

    public static JsonObject Json(IReadOnlyList<KernelMeasurementSet> sets, HardwareCalibration family, KernelFitResult fit)
    {
        var parameters = new JsonArray();
        foreach (var p in fit.Parameters)
            parameters.Add(new JsonObject
            {
                ["key"] = p.Key,
                ["fitted"] = JsonOut.Num(p.Value),
                ["family_file"] = KernelFit.Current(family, p.Key) is { } c ? JsonOut.Num(c) : null,
                ["rows"] = p.Rows,
                ["mean_abs_error"] = JsonOut.Num(p.MeanAbsError),
                ["basis"] = p.Basis,
            });
        var ids = new JsonArray();
        foreach (var s in sets) ids.Add(s.Id);
        var notFitted = new JsonArray();
        foreach (var why in fit.NotFitted) notFitted.Add(why);
        return new JsonObject { ["sets"] = ids, ["family"] = family.Family, ["parameters"] = parameters, ["not_fitted"] = notFitted };
    }

    static string Value(string key, double v) => key.EndsWith("_tokens", StringComparison.Ordinal) ? Format.N(v, "0")
        : key.EndsWith("_us", StringComparison.Ordinal) ? Format.N(v, "0.00") : Format.N(v, "0.000");
}
