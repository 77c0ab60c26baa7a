using Augur.Units;

namespace Augur.Simulation.Serving;

/// <summary>
/// What happened to one request. Times are absolute simulation times.
/// TTFT is arrival → first output token; TPOT is the mean gap between output tokens AFTER the first,
/// (finish − first token)/(output − 1), so it excludes the first token (and TTFT); end-to-end is arrival → last token.
/// </summary>
public readonly record struct RequestMetrics(
    int Id, Seconds Arrival, Seconds FirstToken, Seconds Finish, int InputTokens, int OutputTokens, int Preemptions)
{
    public Seconds TimeToFirstToken => FirstToken - Arrival;

    /// <summary>Null for a one-token request (no token after the first).</summary>
    public Seconds? TimePerOutputToken => OutputTokens > 1 ? (Finish - FirstToken) / (OutputTokens - 1) : null;

    public Seconds EndToEnd => Finish - Arrival;

    public bool Meets(ServiceLevelObjective slo) =>
        TimeToFirstToken <= slo.MaxTimeToFirstToken && (TimePerOutputToken is not { } tpot || tpot <= slo.MaxTimePerOutputToken);
}
