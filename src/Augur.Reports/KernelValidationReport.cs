using System.Text.Json.Nodes;
using Augur.CostModels.Validation;
using Augur.Reports.Console;
using Augur.Reports.Json;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Augur.Reports;

/// <summary>The operator model against kernels measured on real accelerators: error per kernel group, and each kernel on request.</summary>
public static class KernelValidationReport
{
    /// <param name="Fitted">The group's calibration parameters were fitted to this set (in-sample).</param>
    public sealed record GroupSummary(string Group, int Kernels, double MeanAbsError, double WorstError, string Worst, bool Fitted);

    public static IReadOnlyList<GroupSummary> Summarize(KernelValidation v) =>
        v.Results.GroupBy(r => r.Group).Select(g =>
        {
            var worst = g.MaxBy(r => Math.Abs(r.Error))!;
            return new GroupSummary(g.Key, g.Count(), g.Average(r => Math.Abs(r.Error)), worst.Error, worst.Label, v.Set.FittedGroups.Contains(g.Key));
        }).ToList();

    public static IRenderable[] Tables(IReadOnlyList<KernelValidation> sets, bool everyKernel)
    {
        var items = new List<IRenderable>();
        foreach (var v in sets)
        {
            items.Add(Render.Line($"kernels measured on {v.Set.Device}, {v.Set.MeasuredOn} (catalog/measurements/{v.Set.Id}; {v.Set.Software}):"));
            if (everyKernel)
            {
                var rows = Render.Table("group", "kernel", "measured µs", "predicted µs", "error");
                foreach (var r in v.Results)
                    rows.AddRow(r.Group, r.Label, Format.N(r.Measured.Value * 1e6, "0.0"), Format.N(r.Predicted.Value * 1e6, "0.0"), Format.SignedPct(r.Error));
                items.Add(rows);
            }
            var t = Render.Table("kernel group", "fit here", "kernels", "mean abs. error", "worst", "worst kernel");
            foreach (var s in Summarize(v))
                t.AddRow(s.Group, s.Fitted ? "yes" : "no", s.Kernels.ToString(System.Globalization.CultureInfo.InvariantCulture), Format.Pct(s.MeanAbsError), Format.SignedPct(s.WorstError), s.Worst);
            items.Add(t);
            foreach (var s in v.Sustained)
                items.Add(Render.Line($"sustained {s.Precision.ToString().ToLowerInvariant()} 8192³ GEMM: {Format.Pct(s.MeasuredEfficiency)} of dense peak at {Format.N(s.PowerWatts, "0")} W, SM clock {Format.N(s.SmClockMhz, "0")} MHz (calibrated GEMM efficiency {Format.Pct(s.CalibratedEfficiency)})"));
        }
        return items.ToArray();
    }

    public static JsonArray Json(IReadOnlyList<KernelValidation> sets, bool everyKernel)
    {
        var array = new JsonArray();
        foreach (var v in sets)
        {
            var groups = new JsonArray();
            foreach (var s in Summarize(v))
                groups.Add(new JsonObject { ["group"] = s.Group, ["fitted_to_this_set"] = s.Fitted, ["kernels"] = s.Kernels, ["mean_abs_error"] = JsonOut.Num(s.MeanAbsError), ["worst_error"] = JsonOut.Num(s.WorstError), ["worst_kernel"] = s.Worst });
            var sustained = new JsonArray();
            foreach (var s in v.Sustained)
                sustained.Add(new JsonObject { ["precision"] = s.Precision.ToString().ToLowerInvariant(), ["measured_efficiency"] = JsonOut.Num(s.MeasuredEfficiency), ["calibrated_efficiency"] = JsonOut.Num(s.CalibratedEfficiency), ["power_w"] = JsonOut.Num(s.PowerWatts), ["sm_clock_mhz"] = JsonOut.Num(s.SmClockMhz) });
            var set = new JsonObject
            {
                ["id"] = v.Set.Id,
                ["accelerator"] = v.Accelerator.Id,
                ["device"] = v.Set.Device,
                ["measured_on"] = v.Set.MeasuredOn,
                ["source"] = v.Set.Source,
                ["groups"] = groups,
                ["sustained"] = sustained,
            };
            if (everyKernel)
            {
                var rows = new JsonArray();
                foreach (var r in v.Results)
                    rows.Add(new JsonObject { ["group"] = r.Group, ["kernel"] = r.Label, ["measured_s"] = JsonOut.Num(r.Measured.Value), ["predicted_s"] = JsonOut.Num(r.Predicted.Value), ["error"] = JsonOut.Num(r.Error) });
                set["kernels"] = rows;
            }
            array.Add(set);
        }
        return array;
    }

}
