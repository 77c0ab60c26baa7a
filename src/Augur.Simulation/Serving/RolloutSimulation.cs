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
    /// <param name="prefillReplicas">Disaggregated generators: replicas of the layout that prefill and hand the KV
    /// cache to the others; 0 for aggregated ones.</param>
    /// <param name="progress">Told the samples finished so far.</param>
    public static (ServingResult Result, int LongestResponse) Run(InferenceModel model, InferenceLayout layout, int batch, RlJob job, int seed = 1, int prefillReplicas = 0, IProgress<long>? progress = null)
    {
        var random = new Random(seed);
        var requests = RequestGenerator.Batch(job.Samples,
            TokenLengths.LogNormal(job.Prompt.Mean, job.Prompt.Spread, job.Prompt.Max),
            TokenLengths.LogNormal(job.Response.Mean, job.Response.Spread, job.Response.Max), random);
        int chunk = ScenarioSimulation.DefaultChunk(model, layout, batch);
        var options = new SchedulerOptions
        {
            MaxBatchSequences = batch,
            ChunkTokenBudget = chunk,
            MaxChunkPerSequence = ScenarioSimulation.ChunkPerSequence(layout, chunk),
            Seed = seed,
        };
        var adapter = new InferenceCostAdapter(model, layout, layout.Gpus);
        var deployment = prefillReplicas > 0
            ? ServingDeployment.Disaggregated(prefillReplicas, adapter, layout.Replicas - prefillReplicas, adapter)
            : ServingDeployment.Aggregated(layout.Replicas, new InferenceCostAdapter(model, layout));
        return (ServingSimulation.Run(deployment, requests, options, progress),
            requests.Max(r => r.OutputTokens));
    }
}
