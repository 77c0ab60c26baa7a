using Augur.Catalog.Loading;
using Augur.CostModels;
using Augur.Domain;
using Augur.Domain.Workloads;

namespace Augur.Workflows.Sweeps;

/// <summary>Whether each point costs the scenario's own layout or searches for the best one.</summary>
public enum SweepMode { Estimate, Plan }

/// <summary>
/// <c>sweep</c>: every point of a grid of scenario overrides, estimated or planned, in parallel on all cores. Points
/// are handed to <c>sink</c> as they finish (in any order, one at a time), so a front end can stream them to a file and
/// a rerun can skip the indices already there.
/// </summary>
public static class SweepWorkflow
{
    public static void Run(ScenarioDocument document, CatalogStore catalog, SweepGrid grid, SweepMode mode, SweepShard shard,
        IReadOnlySet<long> done, Action<SweepPoint> sink, IProgress<long>? progress = null, CancellationToken cancel = default)
    {
        if (document.IsRl) EstimateWorkflow.RefuseRl(WorkloadKind.Rl);
        var todo = Indices(grid, shard, done);
        var gate = new object();
        long finished = 0;
        Parallel.ForEach(todo, new ParallelOptions { CancellationToken = cancel, MaxDegreeOfParallelism = Environment.ProcessorCount }, index =>
        {
            var point = Evaluate(document, catalog, grid, mode, index);
            lock (gate)
            {
                sink(point);
                progress?.Report(++finished);
            }
        });
    }

    /// <summary>The indices this shard still has to run.</summary>
    public static IEnumerable<long> Indices(SweepGrid grid, SweepShard shard, IReadOnlySet<long> done)
    {
        for (long i = shard.Index; i < grid.Count; i += shard.Count)
            if (!done.Contains(i)) yield return i;
    }

    public static SweepPoint Evaluate(ScenarioDocument document, CatalogStore catalog, SweepGrid grid, SweepMode mode, long index)
    {
        var settings = grid.Settings(index);
        try
        {
            var s = document.Read(catalog, grid.Overrides(index));
            var (status, metrics) = mode == SweepMode.Plan ? Plan(s, catalog) : Estimate(s, catalog);
            return new SweepPoint(index, settings, status, "", metrics);
        }
        catch (InputException e)
        {
            return new SweepPoint(index, settings, SweepStatus.Refused, e.Message, new SweepMetrics());
        }
    }

    static (SweepStatus, SweepMetrics) Estimate(Scenario s, CatalogStore catalog) => EstimateWorkflow.Run(s, catalog, burst: false) switch
    {
        TrainingEstimateOutcome t => Training(t.Estimate, t.Run),
        InferenceEstimateOutcome i => Serving(i.Estimate),
        _ => throw new InvalidOperationException("unknown estimate kind"),
    };

    static (SweepStatus, SweepMetrics) Plan(Scenario s, CatalogStore catalog) => PlanWorkflow.Run(s, catalog, top: 1) switch
    {
        TrainingPlanOutcome { Best: { } b } t => Training(b, t.Run),
        TrainingPlanOutcome => (SweepStatus.NoFit, new SweepMetrics()),
        InferencePlanOutcome i => Serving(i.Plan.Best.Estimate),
        _ => throw new InvalidOperationException("unknown plan kind"),
    };

    static (SweepStatus, SweepMetrics) Training(CostModels.Training.TrainingEstimate e, CostModels.Run.RunEstimate? run)
    {
        var m = new SweepMetrics { Layout = e.Layout.ToString(), MemoryGiBPerGpu = e.Memory.Total.GiB };
        if (!e.Fits) return (SweepStatus.NoFit, m);
        return (SweepStatus.Ok, m with
        {
            StepTimeSeconds = e.StepTime.Value, TokensPerSecondPerGpu = e.TokensPerSecondPerGpu, Mfu = e.Mfu, Bottleneck = e.Bottleneck.Label(),
            TimeToTrainDays = run is null ? null : run.WallTime.Days,
        });
    }

    static (SweepStatus, SweepMetrics) Serving(CostModels.Inference.InferenceEstimate e)
    {
        var l = e.Layout;
        var m = new SweepMetrics { Layout = $"tp{l.Tp} pp{l.Pp} ep{l.Ep} dpa{l.DpAttention} batch{e.Concurrency}", MemoryGiBPerGpu = e.MemoryGiBPerGpu };
        if (!e.Fits) return (SweepStatus.NoFit, m);
        return (SweepStatus.Ok, m with
        {
            TokensPerSecondPerGpu = e.OutputTokensPerSecondPerGpu, TtftSeconds = e.Ttft.Value, TpotSeconds = e.Tpot.Value,
            TokensPerSecondPerUser = 1 / e.Tpot.Value, UsdPerMillionOutputTokens = e.UsdPerMillionOutputTokens, Bottleneck = e.DecodeBound.Label(),
        });
    }
}
