namespace Augur.Cli.Commands;

/// <summary>
/// A one-line counter on stderr for long work, shown only when stderr is a terminal and the output is not --json,
/// so pipes, files and JSON consumers see nothing.
/// </summary>
sealed class Progress(TextWriter error, long total, string unit) : IProgress<long>
{
    long _shown = -1;

    /// <param name="total">How many units the work has; 0 when unknown (a search), then the count alone is shown.</param>
    public static Progress? Create(TextWriter error, bool json, long total, string unit) =>
        json || total == 1 || !ReferenceEquals(error, System.Console.Error) || System.Console.IsErrorRedirected ? null : new Progress(error, total, unit);

    public void Report(long value)
    {
        if (total <= 0)
        {
            error.Write(FormattableString.Invariant($"\r{value:N0} {unit}"));
            return;
        }
        long percent = 100 * value / total;
        if (percent == _shown) return;
        _shown = percent;
        error.Write(FormattableString.Invariant($"\r{value:N0} / {total:N0} {unit} ({percent}%)"));
    }

    public static void Done(TextWriter error, Progress? p)
    {
        if (p is not null) error.Write("\r" + new string(' ', 60) + "\r");
    }
}
