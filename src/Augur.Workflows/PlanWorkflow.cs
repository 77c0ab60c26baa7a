using Augur.Catalog.Loading;
using Augur.CostModels.Run;
using Augur.CostModels.Training;
using Augur.Domain;
using Augur.Domain.Workloads;
using Augur.Search.Inference;
using Augur.Search.Training;
using Augur.Search.Rl;

namespace Augur.Workflows;

public abstract record PlanOutcome(Scenario Scenario);

/// <param name="Best">The winner, costed in full; null when no layout fits.</param>
/// <param name="Run">The winner's whole run when the scenario sets a budget.</param>
public sealed record TrainingPlanOutcome(Scenario Scenario, PlanResult Plan, TrainingEstimate? Best, RunEstimate? Run) : PlanOutcome(Scenario);

/// <param name="Chosen">The scenario with the winner's mode and batch fixed, as its estimate is reported.</param>
public sealed record InferencePlanOutcome(Scenario Scenario, InferencePlan Plan, Scenario Chosen) : PlanOutcome(Scenario);

/// <summary>An RL plan: the GPU split, layouts, placement and staleness ranked by the objective.</summary>
public sealed record RlPlanOutcome(Scenario Scenario, RlPlan Plan) : PlanOutcome(Scenario);

/// <summary><c>plan</c>: search the layout keys a scenario leaves open and rank the layouts by its objective.</summary>
public static class PlanWorkflow
{
    public static PlanOutcome Run(Scenario s, CatalogStore catalog, int top, IProgress<long>? progress = null)
    {
        if (top < 1) throw new InputException($"top must be at least 1, got {top}");
        if (s.Workload == WorkloadKind.Rl)
        {
            var rl = RlPlanner.Plan(s.Model, s.Cluster, s.Precision, s.Rl!, catalog.Calibration(s.Cluster.Accelerator), s.Run, s.Objective, top);
            if (rl.Ranked.Count == 0)
                throw new InputException($"no split of the {s.Cluster.Gpus} GPUs between generators and trainer fits ({rl.Rejected} tried; first reason: {rl.FirstRejection}); add GPUs or use a larger-memory accelerator");
            return new RlPlanOutcome(s, rl);
        }
        if (s.Workload == WorkloadKind.Inference)
        {
            var plan = InferencePlanner.Plan(s, catalog.Calibration(s.Cluster.Accelerator), top);
            var w = plan.Best;
            var chosen = s with { Inference = s.Inference! with { Mode = w.Mode, Concurrency = w.Batch } };
            return new InferencePlanOutcome(s, plan, chosen);
        }
        var model = EstimateWorkflow.TrainingModelOf(s, catalog);
        // cross_site: auto: every layout is costed under each method the user allowed, and the fastest wins.
        IReadOnlyList<TrainingModel> models = s.Training!.CrossSiteChoices is { } choices
            ? [.. choices.Select(c => new TrainingModel(s.Model, s.Cluster, s.Training with { CrossSite = c }, catalog.Calibration(s.Cluster.Accelerator)))]
            : [model];
        var result = TrainingPlanner.Plan(models, s, top, progress);
        var best = result.Ranked.Count > 0 ? result.Ranked[0] : (TrainingEstimate?)null;
        return new TrainingPlanOutcome(s, result, best, best is { } b ? EstimateWorkflow.RunOf(s, model, b) : null);
    }
}
