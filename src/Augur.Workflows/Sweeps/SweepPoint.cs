namespace Augur.Workflows.Sweeps;

/// <summary>How a point of a sweep ended.</summary>
public enum SweepStatus
{
    /// <summary>Costed, and it fits.</summary>
    Ok,
    /// <summary>The layout (or every searched layout) does not fit in memory: no rate is reported as if it ran.</summary>
    NoFit,
    /// <summary>The scenario at this point is refused (its message says why).</summary>
    Refused,
}

/// <summary>
/// The headline numbers of one point. Training fills the step columns, serving the latency and cost columns; a
/// point that does not fit keeps its memory and layout and leaves the rates empty.
/// </summary>
public sealed record SweepMetrics
{
    public string? Layout { get; init; }
    public double? StepTimeSeconds { get; init; }
    public double? TokensPerSecondPerGpu { get; init; }
    public double? Mfu { get; init; }
    public double? MemoryGiBPerGpu { get; init; }
    public string? Bottleneck { get; init; }
    public double? TimeToTrainDays { get; init; }
    public double? TtftSeconds { get; init; }
    public double? TpotSeconds { get; init; }
    public double? TokensPerSecondPerUser { get; init; }
    public double? UsdPerMillionOutputTokens { get; init; }
}

/// <param name="Index">Position in the whole grid (shards keep it, so slices merge back in order).</param>
/// <param name="Settings">The value of each varied key, in axis order.</param>
/// <param name="Message">Why a refused point was refused; empty otherwise.</param>
public sealed record SweepPoint(long Index, IReadOnlyList<string> Settings, SweepStatus Status, string Message, SweepMetrics Metrics);
