using System.Text.Json.Nodes;
using Augur.Catalog.Loading;
using Augur.Reports.Console;
using Augur.Reports.Inference;
using Augur.Reports.Rl;
using Augur.Reports.Simulation;
using Augur.Reports.Training;
using Augur.Workflows;
using Augur.Workflows.Rl;
using Spectre.Console.Rendering;

namespace Augur.Reports;

/// <summary>
/// What estimate, plan and simulate report for their outcomes, whichever front end asks: the stable JSON document
/// (the CLI's --json, the web app's API) and the tables. Each outcome is told apart here once.
/// </summary>
public static class OutcomeReport
{
    public static JsonNode Json(EstimateOutcome o, CatalogStore catalog) => o switch
    {
        TrainingEstimateOutcome t => TrainingReport.Json(t.Scenario, t.Estimate, t.Run, ErrorBandWorkflow.For(t.Scenario, catalog)),
        InferenceEstimateOutcome i => InferenceReport.Json(i.Scenario, i.Estimate, ErrorBandWorkflow.For(i.Scenario, catalog), i.Burst),
        RlEstimateOutcome r => RlReport.Json(r.Scenario, r.Estimate),
        _ => throw new ArgumentOutOfRangeException(nameof(o)),
    };

    public static IRenderable[] Tables(EstimateOutcome o, CatalogStore catalog) => o switch
    {
        TrainingEstimateOutcome t => TrainingReport.Tables(t.Scenario, t.Estimate, t.Run, ErrorBandWorkflow.For(t.Scenario, catalog)),
        InferenceEstimateOutcome i => InferenceReport.Tables(i.Scenario, i.Estimate, ErrorBandWorkflow.For(i.Scenario, catalog), i.Burst),
        RlEstimateOutcome r => RlReport.Tables(r.Scenario, r.Estimate),
        _ => throw new ArgumentOutOfRangeException(nameof(o)),
    };

    /// <summary>Most ranked layouts a plan shows; the ranking is kept in memory, so it is bounded.</summary>
    public const int MaxTop = 1000;

    /// <summary>A plan with only its best <paramref name="n"/> layouts, as the table and the JSON show it (a chart may show more).</summary>
    public static PlanOutcome Top(PlanOutcome o, int n) =>
        o is TrainingPlanOutcome t ? t with { Plan = t.Plan with { Ranked = t.Plan.Ranked.Take(n).ToList() } } : o;

    public static JsonNode Json(PlanOutcome o, CatalogStore catalog) => o switch
    {
        TrainingPlanOutcome t => PlanReport.Json(t.Plan, t.Best is { } b ? TrainingReport.Json(t.Scenario, b, t.Run, ErrorBandWorkflow.For(t.Scenario, catalog)) : null),
        InferencePlanOutcome i => InferencePlanReport.Json(i.Plan, InferenceReport.Json(i.Chosen, i.Plan.Best.Estimate, ErrorBandWorkflow.For(i.Chosen, catalog))),
        RlPlanOutcome r => RlPlanReport.Json(r.Scenario, r.Plan, ErrorBandWorkflow.For(r.Scenario, catalog)),
        _ => throw new ArgumentOutOfRangeException(nameof(o)),
    };

    public static IRenderable[] Tables(PlanOutcome o, CatalogStore catalog) => o switch
    {
        TrainingPlanOutcome t => t.Best is { } w
            ? [.. PlanReport.Tables(t.Plan), .. TrainingReport.Tables(t.Scenario, w, t.Run, ErrorBandWorkflow.For(t.Scenario, catalog))]
            : PlanReport.Tables(t.Plan),
        InferencePlanOutcome i =>
            [.. InferencePlanReport.Tables(i.Plan), Render.Line("Winner in full:"), .. InferenceReport.Tables(i.Chosen, i.Plan.Best.Estimate, ErrorBandWorkflow.For(i.Chosen, catalog))],
        RlPlanOutcome r => RlPlanReport.Tables(r.Scenario, r.Plan, ErrorBandWorkflow.For(r.Scenario, catalog)),
        _ => throw new ArgumentOutOfRangeException(nameof(o)),
    };

    public static JsonNode Json(SimulationOutcome o, CatalogStore catalog) => o switch
    {
        ServingSimulationOutcome v => SimulationReport.Json(v.Scenario, v.Estimate, v.Setup, v.Result, ErrorBandWorkflow.For(v.Scenario, catalog)),
        RlSimulationOutcome r => RlReport.SimulationJson(r.Scenario, r.Estimate, r.Simulated, r.Rollout, r.LongestResponse),
        _ => throw new ArgumentOutOfRangeException(nameof(o)),
    };

    public static IRenderable[] Tables(SimulationOutcome o, CatalogStore catalog) => o switch
    {
        ServingSimulationOutcome v => SimulationReport.Tables(v.Scenario, v.Estimate, v.Setup, v.Result, ErrorBandWorkflow.For(v.Scenario, catalog)),
        RlSimulationOutcome r => RlReport.SimulationTables(r.Scenario, r.Estimate, r.Simulated, r.Rollout, r.LongestResponse),
        _ => throw new ArgumentOutOfRangeException(nameof(o)),
    };
}
