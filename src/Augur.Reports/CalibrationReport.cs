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
    public static IRenderable[] Tables(IReadOnlyList<KernelMeasurementSet> sets, HardwareCalibration family, IReadOnlyList<FittedParameter> fitted)
    {
        var items = new List<IRenderable>
        {
            Render.Line($"fitted to {string.Join(", ", sets.Select(s => $"{s.Id} ({s.AcceleratorId})"))}; family {family.Family} (catalog/calibration/{family.Family}.yaml):"),
        };
        var t = Render.Table("parameter", "fitted", "family file", "rows", "fit error", "fitted to");
        foreach (var p in fitted)
        {
            double? current = KernelFit.Current(family, p.Key);
            t.AddRow(p.Key, Value(p.Key, p.Value), current is { } c ? Value(p.Key, c) : "-", p.Rows.ToString(CultureInfo.InvariantCulture),
                Format.Pct(p.MeanAbsError), p.Basis);
        }
        items.Add(t);
        if (fitted.Count == 0) items.Add(Render.Line("nothing to fit: the sets hold no sustained rows, copies or cuDNN attention rows"));
        return items.ToArray();
    }

    public static JsonObject Json(IReadOnlyList<KernelMeasurementSet> sets, HardwareCalibration family, IReadOnlyList<FittedParameter> fitted)
    {
        var parameters = new JsonArray();
        foreach (var p in fitted)
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
        return new JsonObject { ["sets"] = ids, ["family"] = family.Family, ["parameters"] = parameters };
    }

    static string Value(string key, double v) => key.EndsWith("_tokens", StringComparison.Ordinal) ? Format.N(v, "0")
        : key.EndsWith("_us", StringComparison.Ordinal) ? Format.N(v, "0.00") : Format.N(v, "0.000");
}
