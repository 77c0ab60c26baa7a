using Augur.Catalog.Loading;
using Augur.CostModels.Inference;
using Augur.CostModels.Run;
using Augur.CostModels.Training;
using Augur.CostModels.Validation;
using Augur.Domain;
using Augur.Domain.Parallelism;
using Augur.Domain.Workloads;
using Augur.Units;

namespace Augur.Workflows;

/// <summary>The cost of the layout a scenario gives: a training step (and the whole run, when a budget is set) or a serving deployment.</summary>
public abstract record EstimateOutcome(Scenario Scenario);

public sealed record TrainingEstimateOutcome(Scenario Scenario, TrainingEstimate Estimate, RunEstimate? Run) : EstimateOutcome(Scenario);

/// <param name="Burst">The offline benchmark of inference.requests, served request by request; null when not set.</param>
public sealed record InferenceEstimateOutcome(Scenario Scenario, InferenceEstimate Estimate, BurstThroughput? Burst = null) : EstimateOutcome(Scenario);

/// <summary><c>estimate</c>: cost the layout a scenario fixes; unstated degrees default to 1 and data parallelism fills the GPUs.</summary>
public static class EstimateWorkflow
{
    /// <param name="burst">Whether a serving scenario's inference.requests is served request by request beside the
    /// steady state (a sweep ranks by the steady state alone and skips it).</param>
    /// <param name="progress">Told the burst's requests finished so far; may stop it.</param>
    public static EstimateOutcome Run(Scenario s, CatalogStore catalog, bool burst = true, IProgress<long>? progress = null) => s.Workload switch
    {
        WorkloadKind.Inference => InferenceWithBurst(s, catalog, burst, progress),
        WorkloadKind.Rl => Rl.RlWorkflow.Estimate(s, catalog),
        _ => Training(s, catalog),
    };

    public static TrainingEstimateOutcome Training(Scenario s, CatalogStore catalog)
    {
        RefuseRl(s);
        var job = s.Training!;
        if (job.CrossSiteChoices is not null)
            throw new InputException("training.cross_site: auto lets plan choose the method; estimate costs one, so set cross_site: synchronous or diloco (with one inner_steps)");
        var layout = LayoutDefaults.Complete(s.Layout, s.Cluster.Gpus);
        if (LayoutValidator.Check(s.Model, s.Cluster.Gpus, layout, job.SeqLen, job.GlobalBatch, job.MtpLayers, job.ContextParallelComm) is { } err)
            throw new LayoutException(err);
        if (LayoutValidator.CheckSites(layout, s.Cluster.Sites) is { } sites) throw new LayoutException(sites);
        var model = TrainingModelOf(s, catalog);
        var e = model.Estimate(layout);
        return new TrainingEstimateOutcome(s, e, RunOf(s, model, e));
    }

    static InferenceEstimateOutcome InferenceWithBurst(Scenario s, CatalogStore catalog, bool burst, IProgress<long>? progress)
    {
        RefuseRl(s);
        var (model, layout) = InferenceModelOf(s, catalog);
        var estimate = model.Estimate(layout, s.Run);
        return new InferenceEstimateOutcome(s, estimate, burst && estimate.Fits ? OfflineBurst.Run(model, layout, estimate, progress) : null);
    }

    /// <summary>The steady-state serving estimate alone (no burst).</summary>
    public static InferenceEstimate Inference(Scenario s, CatalogStore catalog) => InferenceWithBurst(s, catalog, burst: false, progress: null).Estimate;

    /// <summary>Commands built for one workload refuse an RL scenario in one line rather than failing inside.</summary>
    public static void RefuseRl(Scenario s) => RefuseRl(s.Workload);

    public static void RefuseRl(WorkloadKind workload)
    {
        if (workload == WorkloadKind.Rl)
            throw new InputException("an rl scenario is answered by estimate, simulate and plan; this command takes a training or inference scenario");
    }

    /// <summary>The training cost model of a scenario, with its hardware family's calibration.</summary>
    public static TrainingModel TrainingModelOf(Scenario s, CatalogStore catalog)
    {
        RefuseRl(s);
        return new(s.Model, s.Cluster, s.Training!, catalog.Calibration(s.Cluster.Accelerator));
    }

    /// <summary>The serving cost model of a scenario and its checked layout.</summary>
    public static (InferenceModel Model, InferenceLayout Layout) InferenceModelOf(Scenario s, CatalogStore catalog)
    {
        RefuseRl(s);
        var layout = InferenceValidator.LayoutFor(s);
        if (layout.Validate(s.Model, s.Cluster.Gpus) is { } err) throw new LayoutException(err);
        if (layout.ValidatePools(s.Inference!, s.Cluster.Gpus) is { } pools) throw new LayoutException(pools);
        return (new InferenceModel(s.Model, s.Cluster, s.Inference!, s.Precision, catalog.Calibration(s.Cluster.Accelerator)), layout);
    }

    /// <summary>The whole run (time, cost, energy, goodput) when the scenario sets a token or FLOP budget.</summary>
    public static RunEstimate? RunOf(Scenario s, TrainingModel model, TrainingEstimate e)
    {
        var job = s.Training!;
        if (job.TokenBudget is null && job.FlopBudget is null) return null;
        return RunProjection.Project(new RunInputs
        {
            StepTime = e.StepTime, ModelFlopsPerStep = new Flops(model.ModelFlopsPerStep), Gpus = s.Cluster.Gpus,
            Accelerator = s.Cluster.Accelerator, Job = job, Run = s.Run,
        });
    }
}
