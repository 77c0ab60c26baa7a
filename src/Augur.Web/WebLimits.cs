namespace Augur.Web;

/// <summary>What one request may ask of the server: how large its body is and how long its answer may take.</summary>
public sealed record WebLimits
{
    /// <summary>A scenario with an inline config.json is a few KB; a MiB leaves room and bounds the parse.</summary>
    public int MaxBodyBytes { get; init; } = 1 << 20;

    /// <summary>How long one answer may take before it is cancelled and refused.</summary>
    public TimeSpan TimeLimit { get; init; } = TimeSpan.FromSeconds(30);
}
