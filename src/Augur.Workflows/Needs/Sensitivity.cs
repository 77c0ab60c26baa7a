using Augur.Catalog.Loading;
using Augur.Domain;
using Augur.Domain.Workloads;

namespace Augur.Workflows.Needs;

/// <param name="Objective">Training: step time in seconds (lower is better). Serving: output tokens/s per GPU (higher is better).</param>
/// <param name="Gain">Relative improvement of the objective over the scenario's own (positive = better); null when either side has no plan.</param>
public sealed record SensitivityRow(Resource Resource, double Base, double Raised, double? Objective, double? Gain, string Refusal);

/// <param name="Objective">The scenario's own objective at its own hardware.</param>
public sealed record SensitivityOutcome(WorkloadKind Workload, double Objective, IReadOnlyList<SensitivityRow> Rows);

/// <summary>
/// The gain in the planner's objective from 10% more of each resource, the layout searched again each time: which
/// resource binds, and so what the next chip or system should improve. Whole resources step up to the next amount at
/// least 10% larger that layouts can use (<see cref="Resources.WholeAmounts"/>).
/// </summary>
public static class SensitivityWorkflow
{
    public const double Step = 1.10;

    public static SensitivityOutcome Run(ScenarioDocument document, CatalogStore catalog)
    {
        var s = document.Read(catalog);
        double baseObjective = Objective(PlanWorkflow.Run(s, catalog, top: 1))
            ?? throw new InputException("the scenario has no plan to improve on: no layout fits or meets its limits");
        var rows = new List<SensitivityRow>();
        foreach (var r in Resources.All)
        {
            double current = Resources.Current(r, s);
            if (!(current > 0)) continue;
            double raised = Raise(r, current, s);
            try
            {
                var plan = PlanWorkflow.Run(document.Read(catalog, Resources.At(r, s, raised)), catalog, top: 1);
                double? o = Objective(plan);
                rows.Add(new SensitivityRow(r, current, raised, o, o is { } v ? Gain(s.Workload, baseObjective, v) : null, ""));
            }
            catch (InputException e)
            {
                rows.Add(new SensitivityRow(r, current, raised, null, null, e.Message));
            }
        }
        return new SensitivityOutcome(s.Workload, baseObjective, rows.OrderByDescending(x => x.Gain ?? double.NegativeInfinity).ToList());
    }

    static double Raise(Resource r, double current, Scenario s)
    {
        if (!Resources.Whole(r)) return current * Step;
        return Resources.WholeAmounts(r, s, current * 4).FirstOrDefault(a => a >= current * Step, Math.Ceiling(current * Step));
    }

    /// <summary>The planner's objective: training step seconds (lower is better), serving output tokens/s per GPU (higher is better).</summary>
    public static double? Objective(PlanOutcome o) => o switch
    {
        TrainingPlanOutcome { Best: { } b } => b.StepTime.Value,
        InferencePlanOutcome i => i.Plan.Best.Estimate.OutputTokensPerSecondPerGpu,
        _ => null,
    };

    static double Gain(WorkloadKind w, double before, double after) =>
        w == WorkloadKind.Training ? before / after - 1 : after / before - 1;
}
