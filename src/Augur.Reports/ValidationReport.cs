using System.Globalization;
using System.Text.Json.Nodes;
using Augur.CostModels.Rl;
using Augur.CostModels.Uncertainty;
using Augur.CostModels.Validation;
using Augur.Domain.Workloads;
using Augur.Reports.Console;
using Augur.Reports.Json;
using Spectre.Console;
using Spectre.Console.Rendering;
using ValidationResult = Augur.CostModels.Validation.ValidationResult;

namespace Augur.Reports;

/// <summary>
/// Prediction beside publication for every validation case. The out-of-sample error leads (whole, per hardware family,
/// per model kind), then the in-sample tier (the fit) and production averages; then how often the error bands held
/// the measured value of a case left out of their basis; then every case.
/// </summary>
public static class ValidationReport
{
    public static IRenderable[] Tables(IReadOnlyList<ValidationResult> results, ErrorBands bands)
    {
        var sums = Render.Table("workload", "tier", "group", "cases", "mean |error|", "mean error", "worst");
        foreach (var s in ValidationSummaries.Of(results))
            sums.AddRow(s.WorkloadLabel, s.TierLabel, s.Group, s.Cases.ToString(CultureInfo.InvariantCulture), Format.Pct(s.MeanAbsError),
                Format.SignedPct(s.MeanError), Format.Pct(s.WorstAbsError));
        var items = new List<IRenderable>
        {
            Render.Line("error = (predicted - published) / published. Out-of-sample: no parameter was fitted to the case (the evidence).\n"
                + "In-sample: calibration was fitted to it or changed after looking at it (the fit). Production averages run below\n"
                + "capacity by design and sit outside the targets. Each case's fit_notes in catalog/validation says why."),
            sums,
        };
        foreach (var c in Coverage(bands))
            items.Add(Render.Line($"{c.Workload}: error bands held {c.Held} of {c.Cases} out-of-sample cases left out of their basis ({Format.Pct(c.Fraction)}; target 80%),\n"
                + $"  {c.HeldWithoutPublication} ({Format.Pct(c.FractionWithoutPublication)}) with each case's whole publication left out"));
        var fit = MemoryFitSummary.Of(results);
        if (fit.Cases > 0) items.Add(Render.Line(FitLine(fit)));
        if (RlPhaseSummary.Of(results) is { Count: > 0 } phases)
        {
            var pt = Render.Table("rl phase", "tier", "cases", "mean |error|", "mean error");
            foreach (var p in phases)
                pt.AddRow(p.Phase, ValidationSummary.Label(p.Tier), p.Cases.ToString(CultureInfo.InvariantCulture), Format.Pct(p.MeanAbsError), Format.SignedPct(p.MeanError));
            items.Add(Render.Line("rl: phases of the cases whose source times them (published / predicted − 1 per phase; refit holds the trainer's move to host)"));
            items.Add(pt);
        }

        var left = LeftOut(bands);
        foreach (var g in results.GroupBy(r => (r.Case.Scenario.Workload, r.Case.Tier)).OrderBy(g => g.Key))
        {
            bool banded = g.Key.Tier == ValidationTier.OutOfSample, memory = g.Key.Workload == WorkloadKind.Training, rl = g.Key.Workload == WorkloadKind.Rl;
            // RL cases are published as seconds per step, and read by mechanism through the predicted phases.
            string[] head = rl ? ["case", "s/step pub.", "s/step pred.", "error"] : ["case", "tok/s/GPU pub.", "tok/s/GPU pred.", "error"];
            bool timed = rl && g.Any(r => r.RlPhases.Count > 0);
            var t = Render.Table([.. head, .. banded ? ["band without it"] : Array.Empty<string>(), .. memory ? ["GB/GPU pred./HBM"] : Array.Empty<string>(),
                .. rl ? ["predicted phases, s"] : Array.Empty<string>(), .. timed ? ["published phases, s (error)"] : Array.Empty<string>()]);
            foreach (var r in g)
            {
                string[] row = rl ? [r.Case.Id, Format.N(r.Case.Measured, "0.#"), Format.N(r.PredictedPublishedUnit, "0.#"), Format.SignedPct(r.Error)]
                    : [r.Case.Id, Format.N(r.MeasuredTokensPerGpu, "0"), Format.N(r.PredictedTokensPerGpu, "0"), Format.SignedPct(r.Error)];
                if (banded) row = [.. row, left.TryGetValue(r.Case.Id, out var l) ? BandText(l) : ""];
                if (memory) row = [.. row, r.Memory is { } m ? MemoryText(m) : ""];
                if (rl) row = [.. row, r.Rl is { } e ? PhasesText(e) : ""];
                if (timed) row = [.. row, PublishedPhasesText(r.RlPhases)];
                t.AddRow(row);
            }
            items.Add(Render.Line($"{g.Key.Workload.ToString().ToLowerInvariant()}, {ValidationSummary.Label(g.Key.Tier)}:"));
            items.Add(t);
        }
        return items.ToArray();
    }

    public static JsonObject Json(IReadOnlyList<ValidationResult> results, ErrorBands bands)
    {
        var sums = new JsonArray();
        foreach (var s in ValidationSummaries.Of(results))
            sums.Add(new JsonObject
            {
                ["workload"] = s.WorkloadLabel, ["tier"] = TierKey(s.Tier), ["group"] = s.Group, ["cases"] = s.Cases,
                ["mean_abs_error"] = JsonOut.Num(s.MeanAbsError), ["mean_error"] = JsonOut.Num(s.MeanError),
                ["worst_abs_error"] = JsonOut.Num(s.WorstAbsError), ["worst_case"] = s.WorstCase,
            });
        var coverage = new JsonArray();
        foreach (var c in Coverage(bands))
            coverage.Add(new JsonObject { ["workload"] = c.Workload, ["cases"] = c.Cases, ["held"] = c.Held, ["fraction"] = JsonOut.Num(c.Fraction),
                ["held_without_publication"] = c.HeldWithoutPublication, ["fraction_without_publication"] = JsonOut.Num(c.FractionWithoutPublication) });
        var fit = MemoryFitSummary.Of(results);
        var memoryFit = new JsonObject
        {
            ["cases"] = fit.Cases, ["fit"] = fit.Fit, ["fraction"] = JsonOut.Num(fit.Fraction), ["target"] = JsonOut.Num(MemoryFitSummary.Target),
            ["found_by_plan"] = fit.Found, ["found_fraction"] = JsonOut.Num(fit.FoundFraction),
        };
        var rlPhases = new JsonArray();
        foreach (var p in RlPhaseSummary.Of(results))
            rlPhases.Add(new JsonObject
            {
                ["phase"] = p.Phase, ["tier"] = TierKey(p.Tier), ["cases"] = p.Cases,
                ["mean_abs_error"] = JsonOut.Num(p.MeanAbsError), ["mean_error"] = JsonOut.Num(p.MeanError),
            });
        var left = LeftOut(bands);
        var cases = new JsonArray();
        foreach (var r in results)
        {
            var s = r.Case.Scenario;
            cases.Add(new JsonObject
            {
                ["id"] = r.Case.Id,
                ["workload"] = Workload(r),
                ["tier"] = TierKey(r.Case.Tier),
                ["family"] = s.Cluster.Accelerator.Family,
                ["model_kind"] = s.Model.IsMoe ? "moe" : "dense",
                ["metric"] = r.Case.Metric,
                ["published"] = JsonOut.Num(r.Case.Measured),
                ["predicted"] = JsonOut.Num(r.PredictedPublishedUnit),
                ["published_tokens_per_s_per_gpu"] = JsonOut.Num(r.MeasuredTokensPerGpu),
                ["predicted_tokens_per_s_per_gpu"] = JsonOut.Num(r.PredictedTokensPerGpu),
                ["error"] = JsonOut.Num(r.Error),
                ["memory"] = r.Memory is { } m
                    ? new JsonObject { ["predicted_gb"] = JsonOut.Num(m.PerGpu.GB), ["capacity_gb"] = JsonOut.Num(m.Capacity.GB), ["fits"] = m.Fits, ["in_plan_space"] = r.InPlanSpace }
                    : null,
                ["band_without_it"] = left.TryGetValue(r.Case.Id, out var l) && l.Band is { } b
                    ? new JsonObject { ["low"] = JsonOut.Num(b.LowError), ["high"] = JsonOut.Num(b.HighError), ["basis"] = b.Basis, ["held"] = l.Held }
                    : null,
                ["rl"] = r.Rl is { } e ? RlJson(e, r.RlPhases) : null,
                ["fit_notes"] = r.Case.FitNotes,
                ["source"] = r.Case.Source,
            });
        }
        return new JsonObject { ["summaries"] = sums, ["band_coverage"] = coverage, ["memory_fit"] = memoryFit, ["rl_phases"] = rlPhases, ["cases"] = cases };
    }

    static readonly WorkloadKind[] Workloads = [WorkloadKind.Training, WorkloadKind.Inference, WorkloadKind.Rl];

    static IEnumerable<BandCoverage> Coverage(ErrorBands bands) => Workloads.Select(bands.Coverage).Where(c => c.Cases > 0);

    static Dictionary<string, LeftOut> LeftOut(ErrorBands bands) => Workloads.SelectMany(bands.LeaveOneOut).ToDictionary(l => l.Evidence.Case);

    /// <summary>The predicted step of an RL case: placement, GPUs and each phase's seconds (those the step spends time in).</summary>
    static JsonObject RlJson(RlEstimate e, IReadOnlyList<RlPhaseCheck> checks)
    {
        var phases = new JsonObject();
        foreach (var (name, sec) in e.Phases.Parts()) phases[name + "_s"] = JsonOut.Num(sec.Value);
        var published = new JsonArray();
        foreach (var c in checks)
            published.Add(new JsonObject
            {
                ["phase"] = c.Phase, ["published_s"] = JsonOut.Num(c.Published), ["predicted_s"] = JsonOut.Num(c.Predicted), ["error"] = JsonOut.Num(c.Error),
            });
        return new JsonObject
        {
            ["placement"] = e.Job.Placement.ToString().ToLowerInvariant(), ["staleness"] = e.Job.Staleness, ["gpus"] = e.Gpus,
            ["mean_response_tokens"] = JsonOut.Num(e.Generation.Rollout.MeanResponse), ["predicted_phases"] = phases,
            ["published_phases"] = published,
        };
    }

    static string PublishedPhasesText(IReadOnlyList<RlPhaseCheck> checks) =>
        string.Join(" ", checks.Select(c => $"{Short(c.Phase)} {Format.N(c.Published, "0.#")} ({Format.SignedPct(c.Error)})"));

    static string PhasesText(RlEstimate e) =>
        string.Join(" ", e.Phases.Parts().Where(p => p.Time.Value > 0).Select(p => $"{Short(p.Name)} {Format.N(p.Time.Value, "0.#")}"));

    static string Short(string phase) => phase switch
    {
        "generation" => "gen", "verification" => "verify", "log_probs" => "logp", "training" => "train", "weight_sync" => "sync",
        _ => phase,
    };

    static string BandText(LeftOut l) =>
        l.Band is { } b ? $"{Format.SignedPct(b.LowError)} to {Format.SignedPct(b.HighError)} ({(l.Held ? "held" : "missed")})" : "none";

    /// <summary>The memory line of <c>augur validate</c>: runs that ran, and how many the memory model lets fit.</summary>
    public static string FitLine(MemoryFitSummary f) =>
        $"training: {f.Fit} of {f.Cases} published runs that ran are predicted to fit ({Format.Pct(f.Fraction)}; target ≥ {Format.Pct(MemoryFitSummary.Target)}),\n"
        + $"  and a plan fixing nothing searches the layout of {f.Found} of those {f.Fit} ({Format.Pct(f.FoundFraction)})";

    static string MemoryText(MemoryFit m) => $"{Format.N(m.PerGpu.GB, "0.0")}/{Format.N(m.Capacity.GB, "0")}{(m.Fits ? "" : " over")}";

    static string Workload(ValidationResult r) => r.Case.Scenario.Workload.ToString().ToLowerInvariant();

    static string TierKey(ValidationTier t) => t.Key();
}
