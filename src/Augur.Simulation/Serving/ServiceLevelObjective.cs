using Augur.Units;

namespace Augur.Simulation.Serving;

/// <summary>
/// Latency limits for goodput: a request meets the SLO when its TTFT ≤ <see cref="MaxTimeToFirstToken"/> and its
/// TPOT ≤ <see cref="MaxTimePerOutputToken"/> (a one-token request has no TPOT and meets that half).
/// </summary>
public sealed record ServiceLevelObjective(Seconds MaxTimeToFirstToken, Seconds MaxTimePerOutputToken)
{
    /// <summary>No limits: every request counts as good.</summary>
    public static ServiceLevelObjective None { get; } = new(new Seconds(double.PositiveInfinity), new Seconds(double.PositiveInfinity));
}
