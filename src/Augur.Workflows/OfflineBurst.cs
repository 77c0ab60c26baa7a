using Augur.CostModels.Inference;
using Augur.Domain.Workloads;
using Augur.Simulation.Serving;
using Augur.Units;

namespace Augur.Workflows;

/// <summary>
/// An offline benchmark served request by request: <see cref="InferenceJob.Requests"/> requests queued at t = 0, at the
/// batch cap the steady-state estimate found, output tokens over the makespan.
/// </summary>
/// <param name="Requests">Requests served.</param>
/// <param name="Makespan">First arrival (t = 0) to the last finish.</param>
/// <param name="OutputTokensPerSecondPerGpu">Output over the makespan per GPU of the deployment.</param>
/// <param name="DecodeOutputTokensPerSecondPerGpu">The same per decode GPU (all GPUs when aggregated).</param>
public sealed record BurstThroughput(int Requests, Seconds Makespan, double OutputTokensPerSecondPerGpu, double DecodeOutputTokensPerSecondPerGpu);

public static class OfflineBurst
{
    /// <summary>The burst of the job's <see cref="InferenceJob.Requests"/>; null when it sets none.</summary>
    public static BurstThroughput? Run(InferenceModel model, InferenceLayout layout, InferenceEstimate estimate)
    {
        if (model.Job.Requests is not { } n) return null;
        var setup = ScenarioSimulation.Build(model, layout, estimate, new SimulationSpec { Requests = n, Arrival = ArrivalKind.Burst }, null);
        var result = ServingSimulation.Run(setup.Deployment, setup.Requests, setup.Options);
        double total = result.OutputThroughput.PerSecond;
        int decodeGpus = setup.DecodeReplicas > 0 ? setup.DecodeReplicas * layout.GpusPerReplica : setup.Gpus;
        return new BurstThroughput(n, result.Makespan, total / setup.Gpus, total / decodeGpus);
    }
}
