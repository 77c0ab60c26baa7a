using Augur.Units;

namespace Augur.Simulation.Serving;

/// <summary>
/// Outcome of one serving simulation. Makespan runs from the first arrival to the last finish; throughput and
/// goodput are averages over it. See <see cref="RequestMetrics"/> for the metric definitions.
/// </summary>
public sealed record ServingResult
{
    /// <summary>Requests served. Each one's own outcome goes to the observer given to the run, not into the result.</summary>
    public required int RequestCount { get; init; }

    public required LatencySummary TimeToFirstToken { get; init; }

    /// <summary>Over requests with more than one output token.</summary>
    public required LatencySummary TimePerOutputToken { get; init; }

    public required LatencySummary EndToEnd { get; init; }

    /// <summary>The three distributions the summaries were read from, for histograms.</summary>
    public required ServingLatencies Distributions { get; init; }

    public required Seconds Makespan { get; init; }

    public required TokenRate OutputThroughput { get; init; }

    public required double RequestsPerSecond { get; init; }

    /// <summary>Requests per second that met <see cref="Slo"/>.</summary>
    public required double GoodputRequestsPerSecond { get; init; }

    /// <summary>Fraction of requests that met <see cref="Slo"/>.</summary>
    public required double SloAttainment { get; init; }

    public required ServiceLevelObjective Slo { get; init; }

    /// <summary>Times a running sequence was evicted (recompute policy) for lack of KV blocks.</summary>
    public required int Preemptions { get; init; }

    /// <summary>Engine iterations run, over all replicas.</summary>
    public required long Iterations { get; init; }

    public required ServingTimeSeries TimeSeries { get; init; }
}

/// <summary>Time to first token, time per output token (requests with more than one) and end-to-end latency, seconds.</summary>
public sealed record ServingLatencies(LatencyDistribution TimeToFirstToken, LatencyDistribution TimePerOutputToken, LatencyDistribution EndToEnd);
