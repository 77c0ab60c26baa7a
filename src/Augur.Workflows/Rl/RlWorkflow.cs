using Augur.Catalog.Loading;
using Augur.CostModels.Rl;
using Augur.Domain;
using Augur.Domain.Workloads;
using Augur.Simulation.Serving;

namespace Augur.Workflows.Rl;

/// <summary>An RL step costed in closed form.</summary>
public sealed record RlEstimateOutcome(Scenario Scenario, RlEstimate Estimate) : EstimateOutcome(Scenario);

/// <summary>An RL step whose rollout was served request by request, beside the closed form it was set up from.</summary>
public sealed record RlSimulationOutcome(Scenario Scenario, RlEstimate Estimate, RlEstimate Simulated, ServingResult Rollout, int LongestResponse) : SimulationOutcome(Scenario);

/// <summary><c>estimate</c> and <c>simulate</c> of an RL scenario: the rollout from the serving model, the update from the training model.</summary>
public static class RlWorkflow
{
    public static RlEstimateOutcome Estimate(Scenario s, CatalogStore catalog)
    {
        var (job, gen, train) = Sides(s, catalog);
        return new RlEstimateOutcome(s, RlStep.Compose(job, s.Cluster, catalog.Calibration(s.Cluster.Accelerator), s.Run, gen, train));
    }

    /// <param name="progress">Told the rollout's samples finished so far.</param>
    /// <param name="seed">Seed of the drawn prompt and response lengths.</param>
    public static RlSimulationOutcome Simulate(Scenario s, CatalogStore catalog, IProgress<long>? progress = null, int seed = 1)
    {
        var (job, gen, train) = Sides(s, catalog);
        var cal = catalog.Calibration(s.Cluster.Accelerator);
        double tokens = job.Samples * (double)job.Response.Mean * (1 + job.Response.Spread);
        if (tokens > InputLimits.MaxSimulatedTokens)
            throw new InputException(FormattableString.Invariant(
                $"rl: {job.Samples:N0} samples of about {job.Response.Mean:N0} response tokens are more than the {InputLimits.MaxSimulatedTokens:0e+0} tokens one simulation steps through in minutes; use estimate, or fewer prompts_per_step"));
        ServingResult rollout;
        int longest;
        try
        {
            (rollout, longest) = RolloutSimulation.Run(gen.Model, gen.Layout, gen.Rollout.Batch, job, seed, gen.PrefillReplicas, progress);
        }
        catch (ArgumentException e)
        {
            throw new InputException($"cannot simulate the rollout: {e.Message.Split('\n')[0]}");
        }
        var estimate = RlStep.Compose(job, s.Cluster, cal, s.Run, gen, train);
        var simulated = RlStep.Compose(job, s.Cluster, cal, s.Run, gen, train, rollout.Makespan.Value);
        return new RlSimulationOutcome(s, estimate, simulated, rollout, longest);
    }

    static (RlJob Job, RlGeneration Generation, RlTraining Training) Sides(Scenario s, CatalogStore catalog)
    {
        var job = s.Rl ?? throw new InputException("this command needs an rl scenario (workload: rl with an rl section)");
        var (gen, train, problem) = RlSetup.Build(s.Model, s.Cluster, s.Precision, job, catalog.Calibration(s.Cluster.Accelerator));
        if (problem is not null) throw new InputException(problem);
        return (job, gen!, train!);
    }
}
