using Augur.CostModels.Inference;
using Augur.Units;

namespace Augur.Simulation.Serving;

/// <summary>
/// Lets the serving simulator cost its iterations with the steady-state estimator's physics: every call goes
/// through <see cref="InferenceModel.Iteration"/>, the same composition of LayerCost, collectives and
/// per-iteration overhead the estimator uses for prefill and decode.
/// </summary>
/// <param name="deploymentGpus">GPUs of the whole deployment (both pools when disaggregated): KV moves over the
/// scale-up fabric only when they all sit in one scale-up domain. Defaults to the cluster.</param>
public sealed class InferenceCostAdapter(InferenceModel model, InferenceLayout layout, int? deploymentGpus = null) : IServingCostModel
{
    /// <summary>
    /// One continuous-batching iteration of one replica: the prefill chunk and the decode sequences in one forward.
    /// Logits are computed for every decode token and for the last token of every prompt with a chunk.
    /// </summary>
    public Seconds IterationTime(in IterationShape shape) =>
        model.Iteration(layout, shape.PrefillTokens, shape.PrefillContextTokens, shape.DecodeSequences,
            shape.DecodeContextTokens, shape.PrefillSequences).Total;

    public long KvCapacityTokens => model.KvCapacityTokens(layout);

    public long MaxSequenceKvTokens => model.KvCapacityTokensPerAttentionGroup(layout);

    public double PrefixHitRate => model.Job.PrefixHitRate;

    public int DraftTokens => model.Job.DraftTokens;

    public double Acceptance => model.Job.Acceptance;

    /// <summary>KV transfer between two replicas of this layout (scale-out unless the deployment is one scale-up domain).</summary>
    public Seconds KvTransferTime(int promptTokens) =>
        model.Job.Mode == Augur.Domain.Workloads.ServingMode.Disaggregated
            ? new(model.KvTransferSeconds(layout, promptTokens, deploymentGpus ?? model.Cluster.Gpus))
            : Seconds.Zero;
}
