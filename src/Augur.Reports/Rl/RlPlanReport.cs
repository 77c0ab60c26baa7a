using System.Text.Json.Nodes;
using Augur.CostModels.Rl;
using Augur.CostModels.Uncertainty;
using Augur.Domain.Workloads;
using Augur.Reports.Console;
using Augur.Reports.Json;
using Augur.Units;
using Augur.Search.Rl;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Augur.Reports.Rl;

/// <summary>Tables, reasons and JSON for an RL plan.</summary>
public static class RlPlanReport
{
    /// <param name="band">The RL tier's error band for this scenario; null when no RL case was validated.</param>
    public static IRenderable[] Tables(Scenario s, RlPlan plan, ErrorBand? band = null)
    {
        // A reward model the plan placed gets a column of its own.
        bool reward = s.Rl?.Verifier.Kind == VerifierKind.Model;
        string[] columns = ["generators", "trainer", .. reward ? new[] { "reward model" } : [], "step", "samples/s", "$/step", "gen idle", "trainer idle"];
        var ranked = Render.Table(["#", "placement", .. columns]);
        int i = 0;
        foreach (var e in plan.Ranked) ranked.AddRow(Row(++i, e, reward));
        var best = Render.Table(["best of placement", .. columns]);
        foreach (var e in plan.BestPerPlacement) best.AddRow(Row(0, e, reward)[1..]);
        var items = new List<IRenderable>
        {
            Render.Line(FormattableString.Invariant($"{plan.Costed} fitting candidates costed, {plan.Rejected} rejected{(plan.FirstRejection is { } r ? $" (first: {r})" : "")}")),
            ranked, best,
        };
        foreach (var line in Why(plan, band, s.Objective)) items.Add(Render.Line(line));
        items.Add(Render.Line("Winner in full:"));
        items.AddRange(RlReport.Tables(s, plan.Ranked[0]));
        return items.ToArray();
    }

    static string[] Row(int rank, RlEstimate e, bool reward) =>
    [
        rank.ToString(System.Globalization.CultureInfo.InvariantCulture), RlReport.Placement(e.Job),
        $"{Format.N(e.Job.Generator.Gpus, "0")} × {RlReport.Generators(e)}", $"{Format.N(e.Job.Trainer.Gpus, "0")} × {e.Training.Update.Layout}",
        .. reward ? new[] { Reward(e) } : [],
        Format.Seconds(e.StepTime.Value), Format.N(e.SamplesPerSecond, "0.##"), Format.N(e.CostPerStep, "#,0.##"),
        Format.Pct(Idle(e.Generators, e)), Format.Pct(Idle(e.Trainer, e)),
    ];

    /// <summary>Where the reward model scores: tp and replicas, on the generators' GPUs or on its own.</summary>
    static string Reward(RlEstimate e) => e.Generation.Reward is not { } r ? ""
        : e.Job.Verifier.OnGenerators ? $"{r.Layout.Describe()} on the generators" : $"{Format.N(r.Gpus, "0")} × {r.Layout.Describe()}";

    static double Idle(RlPool p, RlEstimate e) => e.StepTime.Value > 0 ? p.Idle / e.StepTime : 0;

    /// <summary>
    /// Why the winner wins: what each other placement's best loses, which pool idles, what the tail costs; and, with an
    /// error band, which of them the estimate cannot tell from the winner.
    /// </summary>
    public static IEnumerable<string> Why(RlPlan plan, ErrorBand? band = null, Objective objective = Objective.Throughput)
    {
        var w = plan.Ranked[0];
        yield return $"Winner: {RlReport.Placement(w.Job)}, {Format.N(w.SamplesPerSecond, "0.##")} samples/s, a step every {Format.Seconds(w.StepTime.Value)}; generators idle {Format.Pct(Idle(w.Generators, w))} of it, trainer {Format.Pct(Idle(w.Trainer, w))}.";
        if (band is not null && Undecided(plan, band, objective) is { Count: > 0 } close)
            yield return $"Not decided by this estimate: {string.Join(" and ", close.Select(o => $"the best {RlReport.Placement(o.Job)} ({Format.N(o.SamplesPerSecond, "0.##")} samples/s{(objective == Objective.Cost ? $", ${Format.N(o.CostPerStep, "#,0.##")} per step" : "")})"))} {(close.Count == 1 ? "lies" : "lie")} inside the winner's error band, {Range(w, band, objective)} ({band.Basis}).";
        yield return $"The long tail: the synchronous rollout takes {Format.Seconds(w.Generation.Rollout.Makespan)} to its {Format.N(w.Generation.Rollout.LongestResponse, "#,0")}-token longest response, {Format.Seconds(w.Tail.Value)} more than the same tokens at a full batch ({Format.Seconds(w.Generation.Rollout.Work)}).";
        foreach (var o in plan.BestPerPlacement.Where(o => o.Job.Placement != w.Job.Placement))
            yield return $"Best {RlReport.Placement(o.Job)}: {Format.Pct(1 - o.SamplesPerSecond / w.SamplesPerSecond)} fewer samples/s ({Format.N(o.SamplesPerSecond, "0.##")}): {Loses(o)}.";
    }

    /// <summary>
    /// The other placements' best whose predicted rate (or cost per step) lies inside the winner's error band: the
    /// winner may measure no better than they are predicted, so the ranking between them is within the uncertainty.
    /// </summary>
    public static List<RlEstimate> Undecided(RlPlan plan, ErrorBand band, Objective objective)
    {
        var w = plan.Ranked[0];
        return plan.BestPerPlacement.Where(o => o.Job.Placement != w.Job.Placement && (objective == Objective.Cost
            ? o.CostPerStep <= band.Time(w.CostPerStep).High
            : o.SamplesPerSecond >= band.Throughput(w.SamplesPerSecond).Low)).ToList();
    }

    static string Range(RlEstimate w, ErrorBand band, Objective objective)
    {
        if (objective == Objective.Cost)
        {
            var (lo, hi) = band.Time(w.CostPerStep);
            return $"${Format.N(lo, "#,0.##")} to ${Format.N(hi, "#,0.##")} per step";
        }
        var (low, high) = band.Throughput(w.SamplesPerSecond);
        return $"{Format.N(low, "0.##")} to {Format.N(high, "0.##")} samples/s";
    }

    static string Loses(RlEstimate e) => e.Job.Placement switch
    {
        RlPlacement.Colocated => $"generation ({Format.Seconds(e.Phases.Generation.Value)}) and training ({Format.Seconds((e.Phases.LogProbs + e.Phases.Critic + e.Phases.Training).Value)}) take turns on all {Format.N(e.Gpus, "0")} GPUs, plus {Format.Seconds((e.Phases.Offload + e.Phases.WeightSync).Value)} of offload and resharding",
        RlPlacement.Disaggregated => $"the pools take turns: generators idle {Format.Seconds(e.Generators.Idle.Value)} while the trainer works, the trainer {Format.Seconds(e.Trainer.Idle.Value)} while they generate",
        _ => $"the pools overlap, and the {(e.Generators.Idle <= e.Trainer.Idle ? "generators" : "trainer")} set the pace ({Format.Seconds(Seconds.Max(e.Generators.Busy, e.Trainer.Busy).Value)} per step)",
    };

    public static JsonObject Json(Scenario s, RlPlan plan, ErrorBand? band = null)
    {
        var ranked = new JsonArray();
        foreach (var e in plan.Ranked) ranked.Add(RlReport.Json(s, e));
        var best = new JsonArray();
        foreach (var e in plan.BestPerPlacement) best.Add(RlReport.Json(s, e));
        var why = new JsonArray();
        foreach (var line in Why(plan, band, s.Objective)) why.Add(line);
        return new JsonObject
        {
            ["workload"] = "rl",
            ["objective"] = s.Objective == Objective.Cost ? "cost_per_step" : "samples_per_s",
            ["costed"] = plan.Costed,
            ["rejected"] = plan.Rejected,
            ["first_rejection"] = plan.FirstRejection,
            ["ranked"] = ranked,
            ["best_per_placement"] = best,
            ["why"] = why,
            ["undecided_placements"] = band is null ? null
                : new JsonArray(Undecided(plan, band, s.Objective).Select(o => (JsonNode)o.Job.Placement.ToString().ToLowerInvariant()).ToArray()),
        };
    }
}
