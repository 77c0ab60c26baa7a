namespace Augur.Simulation.Serving;

/// <summary>How a pool's router picks a replica for an incoming request.</summary>
public enum RoutingPolicy
{
    /// <summary>Replicas in turn, 0, 1, …, n-1, 0, … (one counter per pool).</summary>
    RoundRobin,

    /// <summary>
    /// The replica with the fewest outstanding tokens of work: prompt tokens still to prefill plus output tokens
    /// still to generate, over the requests routed to it and not finished (a prefill-pool replica counts only
    /// prefill tokens). Ties go to the lowest replica index.
    /// </summary>
    LeastOutstandingWork,
}
