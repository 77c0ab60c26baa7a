using Augur.CostModels.Inference;
using Augur.Domain;
using Augur.Domain.Workloads;
using Augur.Simulation.Serving;
using Augur.Units;

namespace Augur.Workflows;

/// <summary>
/// An offline benchmark served request by request: <see cref="InferenceJob.Requests"/> requests queued at t = 0 to the
/// whole deployment (routed round-robin over its replicas), at the batch cap the steady-state estimate found, output
/// tokens over the makespan.
/// </summary>
/// <param name="Requests">Requests served.</param>
/// <param name="Makespan">First arrival (t = 0) to the last finish.</param>
/// <param name="OutputTokensPerSecondPerGpu">Output over the makespan per GPU of the deployment.</param>
/// <param name="DecodeOutputTokensPerSecondPerGpu">The same per decode GPU (all GPUs when aggregated).</param>
public sealed record BurstThroughput(int Requests, Seconds Makespan, double OutputTokensPerSecondPerGpu, double DecodeOutputTokensPerSecondPerGpu);

public static class OfflineBurst
{
    /// <summary>The burst of the job's <see cref="InferenceJob.Requests"/>; null when it sets none.</summary>
    /// <param name="progress">Told the requests finished so far (and may stop the run, as a deadline does).</param>
    public static BurstThroughput? Run(InferenceModel model, InferenceLayout layout, InferenceEstimate estimate, IProgress<long>? progress = null)
    {
        if (model.Job.Requests is not { } n) return null;
        Check(model.Job, n, layout);
        try
        {
            var setup = ScenarioSimulation.Build(model, layout, estimate, new SimulationSpec { Requests = n, Arrival = ArrivalKind.Burst }, null);
            var result = ServingSimulation.Run(setup.Deployment, setup.Requests, setup.Options, progress);
            double total = result.OutputThroughput.PerSecond;
            int decodeGpus = setup.DecodeReplicas > 0 ? setup.DecodeReplicas * layout.GpusPerReplica : setup.Gpus;
            return new BurstThroughput(n, result.Makespan, total / setup.Gpus, total / decodeGpus);
        }
        catch (ArgumentException e)
        {
            throw new InputException($"inference.requests: the burst cannot be served request by request: {e.Message.Split('\n')[0]}");
        }
    }

    /// <summary>The simulator's bounds, said in the terms of the key that asked for the run.</summary>
    static void Check(InferenceJob job, int requests, in InferenceLayout layout)
    {
        if (layout.Replicas > InputLimits.MaxSimulatedReplicas)
            throw new InputException(FormattableString.Invariant(
                $"inference.requests: serving a burst request by request tracks every replica, and this deployment has {layout.Replicas:N0}, more than {InputLimits.MaxSimulatedReplicas:N0}; give the requests of a slice of the cluster (fewer cluster.gpus), or leave requests out for the steady state alone"));
        double tokens = (double)requests * job.OutputTokens;
        if (tokens > InputLimits.MaxSimulatedTokens)
            throw new InputException(FormattableString.Invariant(
                $"inference.requests: {requests:N0} requests × {job.OutputTokens:N0} output tokens come to {tokens:0.###e+0} tokens to generate one by one, more than the {InputLimits.MaxSimulatedTokens:0e+0} a run steps through in minutes; lower requests, or leave it out for the steady state alone"));
    }
}
