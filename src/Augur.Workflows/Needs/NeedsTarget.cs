using System.Globalization;
using Augur.Catalog.Loading;
using Augur.Domain;
using Augur.Domain.Workloads;

namespace Augur.Workflows.Needs;

/// <summary>
/// What a probe must reach: train the scenario's token budget in D days or a step in S seconds; serve at U tokens/s
/// per user (a TPOT limit the planner must meet) and, optionally, at most C dollars per million output tokens.
/// </summary>
public sealed record NeedsTarget(string Key, double Value)
{
    static readonly string[] Training = ["days", "step_time_s"];
    static readonly string[] Serving = ["tokens_per_s_per_user", "usd_per_million_tokens"];

    public static NeedsTarget Parse(string text)
    {
        int eq = text.IndexOf('=');
        string key = eq > 0 ? text[..eq].Trim().ToLowerInvariant() : "";
        if (!Training.Contains(key) && !Serving.Contains(key))
            throw new InputException($"--target '{text}': use key=value with key one of {string.Join(", ", Training.Concat(Serving))} (e.g. days=90 or tokens_per_s_per_user=50)");
        if (!double.TryParse(text[(eq + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v) || v <= 0)
            throw new InputException($"--target {key}: '{text[(eq + 1)..]}' is not a positive number");
        return new NeedsTarget(key, v);
    }

    public string Describe() => Key switch
    {
        "days" => FormattableString.Invariant($"train the token budget in at most {Value:0.##} days"),
        "step_time_s" => FormattableString.Invariant($"a training step in at most {Value:0.###} s"),
        "tokens_per_s_per_user" => FormattableString.Invariant($"serve at least {Value:0.#} tokens/s per user"),
        _ => FormattableString.Invariant($"serve at most ${Value:0.###} per million output tokens"),
    };

    /// <summary>Refuses a target the scenario cannot be asked (a serving target on training, days without a budget).</summary>
    public void Check(Scenario s)
    {
        bool training = s.Workload == WorkloadKind.Training;
        if (training != Training.Contains(Key))
            throw new InputException($"--target {Key} is for {(training ? "serving" : "training")} scenarios; this one is {(training ? "training" : "inference")}");
        if (Key == "days" && s.Training!.TokenBudget is null && s.Training.FlopBudget is null)
            throw new InputException("--target days needs the run's size: set training.tokens (or training.flops) in the scenario");
    }

    /// <summary>Overrides the target puts into every probe (a per-user rate becomes the planner's TPOT limit).</summary>
    public IEnumerable<ScenarioOverride> Setup() => Key == "tokens_per_s_per_user"
        ? [new ScenarioOverride("inference.tpot_ms", (1000 / Value).ToString("R", CultureInfo.InvariantCulture))]
        : [];

    public bool Met(PlanOutcome o) => (Key, o) switch
    {
        ("days", TrainingPlanOutcome { Run: { } run }) => run.WallTime.Days <= Value,
        ("step_time_s", TrainingPlanOutcome { Best: { } b }) => b.StepTime.Value <= Value,
        ("tokens_per_s_per_user", InferencePlanOutcome) => true, // the planner only returns points meeting the TPOT limit
        ("usd_per_million_tokens", InferencePlanOutcome i) => i.Plan.Best.Estimate.UsdPerMillionOutputTokens <= Value,
        _ => false,
    };
}
