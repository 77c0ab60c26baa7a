using Augur.Domain.Hardware;
using Augur.Domain.Models;
using Augur.Domain.Parallelism;

namespace Augur.Domain.Workloads;

/// <summary>Pretraining, serving, or RL post-training (which generates like serving and learns like training).</summary>
public enum WorkloadKind { Training, Inference, Rl }

/// <summary>
/// What the planner ranks layouts by. Training: step time (cost ranks identically). Inference: output tokens per
/// second per GPU, $ per million output tokens, or latency (tokens per second per user).
/// </summary>
public enum Objective { StepTime, Cost, Throughput, CostPerToken, Latency }

/// <summary>
/// The layout keys a scenario file fixes; null keys are left to the planner (or defaulted by <c>estimate</c>).
/// </summary>
public sealed record LayoutSpec
{
    public int? Tp { get; init; }
    public int? Pp { get; init; }
    public int? Vp { get; init; }
    public int? Dp { get; init; }
    public int? Cp { get; init; }
    public int? Ep { get; init; }
    public int? Etp { get; init; }
    public bool? Sp { get; init; }
    public int? Zero { get; init; }
    public int? MicroBatch { get; init; }
    public Recompute? Recompute { get; init; }
    /// <summary>Training: the expert all-to-all overlapped with another micro-batch's compute (<see cref="ParallelLayout.OverlapExperts"/>).</summary>
    public bool? OverlapExperts { get; init; }
    /// <summary>Training: layers per model chunk full recomputation reruns (<see cref="ParallelLayout.RecomputeLayers"/>); null = every layer.</summary>
    public int? RecomputeLayers { get; init; }
    /// <summary>Inference: data-parallel attention degree (attention replicas inside one EP group).</summary>
    public int? DpAttention { get; init; }
}

/// <summary>A whole user scenario: the model, the hardware, the job and the parts of the layout that are fixed.</summary>
public sealed record Scenario
{
    public string Name { get; init; } = "";
    public required WorkloadKind Workload { get; init; }
    public required ModelSpec Model { get; init; }
    public required Cluster Cluster { get; init; }
    public required Precision Precision { get; init; }
    public required LayoutSpec Layout { get; init; }
    public TrainingJob? Training { get; init; }
    public InferenceJob? Inference { get; init; }
    /// <summary>The optional <c>simulation:</c> section (request-level serving simulation); null when absent.</summary>
    public SimulationSpec? Simulation { get; init; }
    /// <summary>The <c>rl:</c> section of an RL post-training scenario; null for the other workloads.</summary>
    public RlJob? Rl { get; init; }
    public required RunEconomics Run { get; init; }
    public Objective Objective { get; init; } = Objective.StepTime;
}
