namespace Augur.Domain.Workloads;

/// <summary>
/// Where simulated requests come from. Burst: every request queued at t = 0, as an offline benchmark issues them
/// (trtllm-bench throughput, bench_serving at an infinite request rate).
/// </summary>
public enum ArrivalKind { Poisson, Gamma, Trace, Burst }

/// <summary>How a pool's router picks a replica (mirrors the simulator's routing policies).</summary>
public enum RoutingKind { RoundRobin, LeastOutstandingWork }

/// <summary>
/// The optional <c>simulation:</c> section of an inference scenario: what requests to offer the request-level
/// serving simulator and how each replica schedules them. Null settings are filled in from the steady-state
/// estimate when the simulation is set up.
/// </summary>
public sealed record SimulationSpec
{
    /// <summary>Requests to generate (Poisson or gamma arrivals); a trace uses all its rows.</summary>
    public int Requests { get; init; } = 1000;

    public ArrivalKind Arrival { get; init; } = ArrivalKind.Poisson;

    /// <summary>Offered load in requests per second; null means 90% of the estimator's deployment request rate.</summary>
    public double? RatePerSecond { get; init; }

    /// <summary>Coefficient of variation of gamma inter-arrival times.</summary>
    public double Cv { get; init; } = 2;

    /// <summary>Absolute path of the CSV trace when <see cref="Arrival"/> is <see cref="ArrivalKind.Trace"/>.</summary>
    public string? TracePath { get; init; }

    public int Seed { get; init; } = 1;

    /// <summary>Sequences a replica holds admitted at once; null means the estimator's concurrency per replica.</summary>
    public int? MaxBatch { get; init; }

    /// <summary>Tokens one iteration may compute; null means max(8192, max batch).</summary>
    public int? ChunkTokens { get; init; }

    public RoutingKind Routing { get; init; } = RoutingKind.RoundRobin;

    /// <summary>Generated prompt lengths are uniform on input·(1 ± spread); 0 keeps them fixed.</summary>
    public double InputSpread { get; init; }

    /// <summary>Generated output lengths are uniform on output·(1 ± spread); 0 keeps them fixed.</summary>
    public double OutputSpread { get; init; }
}
