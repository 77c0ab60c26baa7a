namespace Augur.Simulation.Serving;

/// <summary>
/// A request trace could not be read. The message is one line naming the source, the 1-based line number
/// and the problem, e.g. <c>trace.csv line 7: input_tokens 'abc' is not a whole number</c>.
/// </summary>
public sealed class TraceFormatException : FormatException
{
    public TraceFormatException(string source, int lineNumber, string problem)
        : base($"{source} line {lineNumber}: {problem}")
    {
        SourceName = source;
        LineNumber = lineNumber;
        Problem = problem;
    }

    /// <summary>The file name (or other label) the trace came from.</summary>
    public string SourceName { get; }

    /// <summary>1-based line number of the offending line.</summary>
    public int LineNumber { get; }

    /// <summary>What is wrong, without the location.</summary>
    public string Problem { get; }
}
