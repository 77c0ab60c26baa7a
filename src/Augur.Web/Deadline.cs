namespace Augur.Web;

/// <summary>
/// Stops long work when its time is up: the searches and the simulator report their progress as they go, and this
/// reporter throws there once the token is cancelled, so the work itself ends rather than running on unseen.
/// </summary>
public sealed class Deadline(CancellationToken token) : IProgress<long>
{
    public void Report(long value) => token.ThrowIfCancellationRequested();
}
