using Augur.Domain.Workloads;

namespace Augur.CostModels.Validation;

/// <summary>The error of one group of validation cases: a workload's tier, whole or one hardware family or model kind of it.</summary>
public sealed record ValidationSummary(WorkloadKind Workload, ValidationTier Tier, string Group, int Cases,
    double MeanAbsError, double MeanError, double WorstAbsError, string WorstCase)
{
    public string WorkloadLabel => Workload.ToString().ToLowerInvariant();
    public string TierLabel => Label(Tier);

    public static string Label(ValidationTier t) => t switch
    {
        ValidationTier.OutOfSample => "out-of-sample",
        ValidationTier.InSample => "in-sample (the fit)",
        _ => "production average",
    };

    public static ValidationSummary Of(WorkloadKind w, ValidationTier t, string group, IReadOnlyList<ValidationResult> r)
    {
        var worst = r.MaxBy(x => Math.Abs(x.Error))!;
        return new(w, t, group, r.Count, r.Average(x => Math.Abs(x.Error)), r.Average(x => x.Error), Math.Abs(worst.Error), worst.Case.Id);
    }
}

/// <summary>
/// Groups validation results the way <c>augur validate</c> reports them: per workload, the out-of-sample tier first
/// (whole, then per hardware family and per model kind, and for RL per placement), then the in-sample tier (the fit),
/// then production averages.
/// </summary>
public static class ValidationSummaries
{
    public static IReadOnlyList<ValidationSummary> Of(IReadOnlyList<ValidationResult> results)
    {
        var list = new List<ValidationSummary>();
        foreach (var w in new[] { WorkloadKind.Training, WorkloadKind.Inference, WorkloadKind.Rl })
            foreach (var t in new[] { ValidationTier.OutOfSample, ValidationTier.InSample, ValidationTier.ProductionAverage })
            {
                var r = results.Where(x => x.Case.Scenario.Workload == w && x.Case.Tier == t).ToList();
                if (r.Count == 0) continue;
                list.Add(ValidationSummary.Of(w, t, "all", r));
                if (t != ValidationTier.OutOfSample) continue;
                foreach (var g in r.GroupBy(x => x.Case.Scenario.Cluster.Accelerator.Family).OrderBy(g => g.Key, StringComparer.Ordinal))
                    list.Add(ValidationSummary.Of(w, t, g.Key, g.ToList()));
                foreach (var g in r.GroupBy(x => x.Case.Scenario.Model.IsMoe).OrderBy(g => g.Key))
                    list.Add(ValidationSummary.Of(w, t, g.Key ? "moe" : "dense", g.ToList()));
                if (w != WorkloadKind.Rl) continue;
                foreach (var g in r.GroupBy(x => x.Case.Scenario.Rl!.Placement).OrderBy(g => g.Key))
                    list.Add(ValidationSummary.Of(w, t, g.Key.ToString().ToLowerInvariant(), g.ToList()));
            }
        return list;
    }
}
