using Augur.CostModels.Inference;
using Augur.Domain.Workloads;

namespace Augur.Simulation.Serving;

/// <summary>
/// An RL rollout served request by request: every sample of the step arrives at once, prompt and response lengths
/// drawn (log-normal, clipped at their limits), spread round-robin over the generator replicas, each running
/// continuous batching at the rollout's batch. The makespan is the synchronous step's generation time, set by the
/// longest response.
/// </summary>
public static class RolloutSimulation
{
    /// <returns>The served batch and the longest response drawn.</returns>
    public static (ServingResult Result, int LongestResponse) Run(InferenceModel model, InferenceLayout layout, int batch, RlJob job, int seed = 1)
    {
        var random = new Random(seed);
        var requests = RequestGenerator.Batch(job.Samples,
            TokenLengths.LogNormal(job.Prompt.Mean, job.Prompt.Spread, job.Prompt.Max),
            TokenLengths.LogNormal(job.Response.Mean, job.Response.Spread, job.Response.Max), random);
        var options = new SchedulerOptions
        {
            MaxBatchSequences = batch,
            ChunkTokenBudget = ScenarioSimulation.DefaultChunk(layout, batch),
            MaxChunkPerSequence = ScenarioSimulation.ChunkPerSequence(layout, ScenarioSimulation.DefaultChunk(layout, batch)),
            Seed = seed,
        };
        return (ServingSimulation.Run(ServingDeployment.Aggregated(layout.Replicas, new InferenceCostAdapter(model, layout)), requests, options),
            requests.Max(r => r.OutputTokens));
    }
}
