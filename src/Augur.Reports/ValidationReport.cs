using System.Text.Json.Nodes;
using Augur.CostModels.Validation;
using Augur.Reports.Console;
using Augur.Reports.Json;
using Spectre.Console;
using ValidationResult = Augur.CostModels.Validation.ValidationResult;
using Spectre.Console.Rendering;

namespace Augur.Reports;

/// <summary>Prediction beside publication for every validation case, with the mean absolute percentage error.</summary>
public static class ValidationReport
{
    public sealed record Summary(string Kind, int Cases, double MeanAbsError, double WorstAbsError, string WorstCase);

    public static Summary Summarize(string kind, IReadOnlyList<ValidationResult> results)
    {
        if (results.Count == 0) return new Summary(kind, 0, 0, 0, "");
        var worst = results.MaxBy(r => Math.Abs(r.Error))!;
        return new Summary(kind, results.Count, results.Average(r => Math.Abs(r.Error)), Math.Abs(worst.Error), worst.Case.Id);
    }

    public static IRenderable[] Tables(IReadOnlyList<ValidationResult> results, IReadOnlyList<Summary> summaries)
    {
        var t = Render.Table("case", "kind", "metric", "published", "predicted", "tok/s/GPU pub.", "tok/s/GPU pred.", "error");
        foreach (var r in results)
            t.AddRow(r.Case.Id, r.Case.Scenario.Workload.ToString().ToLowerInvariant() + (r.Case.IsHoldout ? " (holdout)" : r.Case.IsSupplementary ? " (supplementary)" : ""), r.Case.Metric, Format.N(r.Case.Measured, "0.###"),
                Format.N(r.PredictedPublishedUnit, "0.###"), Format.N(r.MeasuredTokensPerGpu, "0"), Format.N(r.PredictedTokensPerGpu, "0"),
                Format.SignedPct(r.Error));
        var items = new List<IRenderable> { t };
        foreach (var s in summaries)
            items.Add(Render.Line($"{s.Kind}: {s.Cases} {(s.Cases == 1 ? "case" : "cases")}, mean absolute error {Format.Pct(s.MeanAbsError)}, worst {Format.Pct(s.WorstAbsError)} ({s.WorstCase})"));
        return items.ToArray();
    }

    public static JsonObject Json(IReadOnlyList<ValidationResult> results, IReadOnlyList<Summary> summaries)
    {
        var cases = new JsonArray();
        foreach (var r in results)
            cases.Add(new JsonObject
            {
                ["id"] = r.Case.Id,
                ["kind"] = r.Case.Scenario.Workload.ToString().ToLowerInvariant(),
                ["tier"] = r.Case.Tier,
                ["metric"] = r.Case.Metric,
                ["published"] = JsonOut.Num(r.Case.Measured),
                ["predicted"] = JsonOut.Num(r.PredictedPublishedUnit),
                ["published_tokens_per_s_per_gpu"] = JsonOut.Num(r.MeasuredTokensPerGpu),
                ["predicted_tokens_per_s_per_gpu"] = JsonOut.Num(r.PredictedTokensPerGpu),
                ["error"] = JsonOut.Num(r.Error),
                ["source"] = r.Case.Source,
            });
        var sums = new JsonArray();
        foreach (var s in summaries)
            sums.Add(new JsonObject { ["kind"] = s.Kind, ["cases"] = s.Cases, ["mean_abs_error"] = JsonOut.Num(s.MeanAbsError), ["worst_abs_error"] = JsonOut.Num(s.WorstAbsError), ["worst_case"] = s.WorstCase });
        return new JsonObject { ["summaries"] = sums, ["cases"] = cases };
    }
}
