using Augur.CostModels.Memory;
using Augur.Domain.Workloads;
using Augur.Units;

namespace Augur.CostModels.Rl;

/// <summary>
/// The time of each phase of one RL step on the pool that runs it (not all on the critical path: an
/// asynchronous step overlaps generation with training).
/// </summary>
public readonly record struct RlPhases
{
    /// <summary>Generating the step's responses (the batch's makespan; the pace of the pool when asynchronous).</summary>
    public required Seconds Generation { get; init; }
    /// <summary>Scoring not hidden behind generation (the last samples' checks, or work past the generation time).</summary>
    public required Seconds Verification { get; init; }
    /// <summary>Forward passes of the policy (old log-probabilities) and of the reference model.</summary>
    public required Seconds LogProbs { get; init; }
    /// <summary>PPO: the critic's value pass and its update.</summary>
    public required Seconds Critic { get; init; }
    /// <summary>The policy update.</summary>
    public required Seconds Training { get; init; }
    /// <summary>New weights to every generator GPU: across the pools, or resharded inside a colocated pool.</summary>
    public required Seconds WeightSync { get; init; }
    /// <summary>Colocated: the trainer's optimizer state (and weights, with offload_weights) to host memory and back, and the engine's weights while it sleeps.</summary>
    public required Seconds Offload { get; init; }

    public IEnumerable<(string Name, Seconds Time)> Parts()
    {
        yield return ("generation", Generation);
        yield return ("verification", Verification);
        yield return ("log_probs", LogProbs);
        yield return ("critic", Critic);
        yield return ("training", Training);
        yield return ("weight_sync", WeightSync);
        yield return ("offload", Offload);
    }
}

/// <summary>One pool's step: its GPUs, the time it works and idles, and its memory per GPU at that phase's peak.</summary>
public sealed record RlPool(string Name, int Gpus, Seconds Busy, Seconds Idle, MemoryBreakdown Memory, Bytes Capacity)
{
    /// <summary>
    /// Host memory per GPU the pool fills (the trainer's optimizer share on the CPU, and what a colocated trainer offloads
    /// while the pool generates) against what a GPU has; zero when it keeps nothing there.
    /// </summary>
    public (Bytes Need, Bytes Capacity) Host { get; init; }

    public double Utilization(Seconds step) => step.Value > 0 ? Busy / step : 0;
    public bool HbmFits => Memory.Total <= Capacity;
    public bool HostFits => Host.Need <= Host.Capacity;
    public bool Fits => HbmFits && HostFits;
}

/// <summary>One verifier over a step: seconds of work scoring its share of the samples (every generation round), and one sample's check alone.</summary>
public readonly record struct VerifierCost(RlVerifier Verifier, double Work, double PerSample);

/// <summary>N steps of the job: wall time, GPU-hours, dollars and facility energy.</summary>
public sealed record RlRun(int Steps, Seconds Time, double GpuHours, Dollars Cost, Joules Energy);

/// <summary>The cost of one RL step of a job on its pools, and of the whole run.</summary>
public sealed record RlEstimate
{
    public required RlJob Job { get; init; }
    public required RlGeneration Generation { get; init; }
    public required RlTraining Training { get; init; }
    public required RlPhases Phases { get; init; }
    public required Seconds StepTime { get; init; }
    /// <summary>Generator pool while generating (colocated: the same GPUs as the trainer).</summary>
    public required RlPool Generators { get; init; }
    /// <summary>Trainer pool while updating.</summary>
    public required RlPool Trainer { get; init; }
    /// <summary>A reward model on GPUs of its own while scoring; null when the verifier has none.</summary>
    public RlPool? Verifier { get; init; }
    /// <summary>A PPO critic on GPUs of its own while scoring and training; null when it shares the trainer's.</summary>
    public RlPool? CriticPool { get; init; }
    /// <summary>Each verifier's work over the step, in the scenario's order.</summary>
    public IReadOnlyList<VerifierCost> Verifiers { get; init; } = [];
    /// <summary>GPUs the job holds: the pool when colocated, both pools otherwise, plus a reward model's and a critic's own.</summary>
    public required int Gpus { get; init; }
    /// <summary>Which network tier the weight update crosses (scale-up or scale-out).</summary>
    public required string SyncTier { get; init; }
    /// <summary>
    /// Bytes each generator GPU receives per weight update: its shard in the generator's own precision, or, when the trainer
    /// exports whole tensors (<see cref="RlRefit"/>), every tensor of the model in BF16, which the engine then shards (and,
    /// for an FP8 generator, quantizes) itself.
    /// </summary>
    public required Bytes SyncBytesPerGpu { get; init; }
    /// <summary>The host's pass over the checkpoint's tensors inside the weight update (<see cref="RlRefit.HostSeconds"/>); zero unless a colocated refit hands over whole tensors.</summary>
    public required Seconds SyncHost { get; init; }
    public required double SamplesPerSecond { get; init; }
    public required double GeneratedTokensPerSecond { get; init; }
    public required double TrainedTokensPerSecond { get; init; }
    public required RlRun Run { get; init; }
    /// <summary>The rollout's makespan came from the request-level simulator rather than the closed form.</summary>
    public bool Simulated { get; init; }
    /// <summary>What the long tail adds to the synchronous makespan over generating at a full batch.</summary>
    public Seconds Tail => new(Math.Max(0, Generation.Rollout.Makespan - Generation.Rollout.Work));
    public bool Fits => Generators.Fits && Trainer.Fits && (Verifier?.Fits ?? true) && (CriticPool?.Fits ?? true);
    public double CostPerStep => Run.Steps > 0 ? Run.Cost.Value / Run.Steps : 0;
}
