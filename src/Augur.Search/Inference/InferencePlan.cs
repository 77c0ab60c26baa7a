using Augur.CostModels.Inference;
using Augur.Domain.Workloads;

namespace Augur.Search.Inference;

/// <summary>One costed (layout, mode, batch) point of a serving search.</summary>
public sealed record ServingPoint(InferenceEstimate Estimate, ServingMode Mode)
{
    public InferenceLayout Layout => Estimate.Layout;
    /// <summary>Concurrent sequences per replica (per decode replica when disaggregated): the batch limit.</summary>
    public int Batch => Estimate.Concurrency;
    /// <summary>Decode rate one user sees: 1 / TPOT.</summary>
    public double TokensPerSecondPerUser => 1.0 / Estimate.Tpot.Value;
    public double TokensPerSecondPerGpu => Estimate.OutputTokensPerSecondPerGpu;
    /// <summary>GPUs the deployment uses (prefill + decode pools when disaggregated).</summary>
    public int GpusUsed => Estimate.Disaggregated is { } d ? d.PrefillGpus + d.DecodeGpus : Layout.Gpus;

    /// <summary>True when this point is at least as good on both axes and better on one.</summary>
    public bool Dominates(ServingPoint o) =>
        TokensPerSecondPerGpu >= o.TokensPerSecondPerGpu && TokensPerSecondPerUser >= o.TokensPerSecondPerUser
        && (TokensPerSecondPerGpu > o.TokensPerSecondPerGpu || TokensPerSecondPerUser > o.TokensPerSecondPerUser);
}

/// <summary>GPUs needed to serve a target output rate with the winner.</summary>
/// <param name="TargetOutputTokensPerSecond">The scenario's target.</param>
/// <param name="Gpus">⌈target / per-GPU rate⌉ rounded up to whole deployment units.</param>
/// <param name="Units">Deployment units: replicas (aggregated) or prefill+decode groups of the winner's P:D shape.</param>
/// <param name="GpusPerUnit">GPUs of one unit.</param>
/// <param name="ConcurrentStreams">Sequences decoding at once across the units at the winner's batch.</param>
public sealed record GpuSizing(double TargetOutputTokensPerSecond, long Gpus, long Units, int GpusPerUnit, long ConcurrentStreams);

/// <summary>The outcome of a serving layout search.</summary>
/// <param name="Objective">What <see cref="Ranked"/> is ordered by.</param>
/// <param name="Ranked">The best point of each (layout, mode), best first, at most the requested number.</param>
/// <param name="Pareto">Non-dominated points on (tokens/s per GPU ↑, tokens/s per user ↑), by tokens/s per user ascending.</param>
/// <param name="Enumerated">Valid (layout, mode) pairs considered.</param>
/// <param name="PrunedByMemory">Pairs discarded before costing: the weights leave no room for one sequence's KV cache.</param>
/// <param name="PointsEvaluated">(layout, mode, batch) points costed.</param>
/// <param name="PointsFeasible">Costed points that fit and meet the TTFT/TPOT limits.</param>
/// <param name="SearchSeconds">Wall time of the search.</param>
/// <param name="Why">Why the winner wins, in plain words.</param>
/// <param name="Sizing">Present when the scenario gives a target output rate.</param>
public sealed record InferencePlan(
    Objective Objective,
    IReadOnlyList<ServingPoint> Ranked,
    IReadOnlyList<ServingPoint> Pareto,
    long Enumerated,
    long PrunedByMemory,
    long PointsEvaluated,
    long PointsFeasible,
    double SearchSeconds,
    IReadOnlyList<Conclusion> Why,
    GpuSizing? Sizing)
{
    public ServingPoint Best => Ranked[0];
}
