using System.Diagnostics;

namespace Augur.Web;

/// <summary>
/// Stops long work when its time is up: the searches and the simulator report their progress as they go, and this
/// reporter throws there once the time limit has passed or the token is cancelled, so the work itself ends rather than
/// running on unseen. It reads the clock itself at each report: a timer's callback can wait behind a busy thread pool,
/// and the work must not outrun its limit meanwhile.
/// </summary>
public sealed class Deadline(TimeSpan limit, CancellationToken token) : IProgress<long>
{
    readonly long _start = Stopwatch.GetTimestamp();

    /// <summary>A deadline that only the token ends.</summary>
    public Deadline(CancellationToken token) : this(Timeout.InfiniteTimeSpan, token) { }

    public bool Passed => limit != Timeout.InfiniteTimeSpan && Stopwatch.GetElapsedTime(_start) >= limit;

    public void Report(long value)
    {
        token.ThrowIfCancellationRequested();
        if (Passed) throw new OperationCanceledException("the time limit has passed", token);
    }
}
