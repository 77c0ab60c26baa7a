using System.Globalization;
using Augur.Domain;
using Augur.Units;

namespace Augur.Simulation.Serving;

/// <summary>
/// Reads request traces in CSV: a header line <c>arrival_s,input_tokens,output_tokens</c>, then one request
/// per line (arrival in seconds, a non-negative decimal number; token counts, whole numbers ≥ 1), invariant
/// culture. Blank lines are skipped. Request ids are the 0-based row order. Arrivals need not be sorted.
/// </summary>
public static class RequestTrace
{
    /// <summary>The required header.</summary>
    public const string Header = "arrival_s,input_tokens,output_tokens";

    /// <summary>Reads a trace file; errors name the file by its file name.</summary>
    public static IReadOnlyList<Request> ReadFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var reader = new StreamReader(path);
        return Read(reader, Path.GetFileName(path));
    }

    /// <summary>Reads a trace; <paramref name="sourceName"/> labels error messages.</summary>
    /// <exception cref="TraceFormatException">On a missing or wrong header or a malformed row.</exception>
    public static IReadOnlyList<Request> Read(TextReader reader, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(sourceName);
        var requests = new List<Request>();
        int lineNumber = 0;
        bool sawHeader = false;
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNumber++;
            if (line.Trim().Length == 0) continue;
            if (!sawHeader)
            {
                string header = line.Trim().TrimStart('\uFEFF').Replace(" ", "", StringComparison.Ordinal);
                if (!string.Equals(header, Header, StringComparison.Ordinal))
                    throw new TraceFormatException(sourceName, lineNumber, $"expected the header '{Header}' but found '{line.Trim()}'");
                sawHeader = true;
                continue;
            }
            if (requests.Count == InputLimits.MaxSimulatedRequests)
                throw new TraceFormatException(sourceName, lineNumber, FormattableString.Invariant($"more than {InputLimits.MaxSimulatedRequests:N0} requests; simulate a slice of the trace"));
            requests.Add(ParseRow(line, requests.Count, sourceName, lineNumber));
        }
        if (!sawHeader) throw new TraceFormatException(sourceName, Math.Max(lineNumber, 1), $"the file is empty; expected the header '{Header}'");
        return requests.AsReadOnly();
    }

    private static Request ParseRow(string line, int id, string source, int lineNumber)
    {
        string[] fields = line.Split(',');
        if (fields.Length != 3)
            throw new TraceFormatException(source, lineNumber, $"expected 3 comma-separated fields (arrival_s,input_tokens,output_tokens) but found {fields.Length}");
        string arrivalText = fields[0].Trim();
        if (!double.TryParse(arrivalText, NumberStyles.Float, CultureInfo.InvariantCulture, out double arrival) || !double.IsFinite(arrival))
            throw new TraceFormatException(source, lineNumber, $"arrival_s '{arrivalText}' is not a number");
        if (arrival < 0)
            throw new TraceFormatException(source, lineNumber, $"arrival_s '{arrivalText}' is negative");
        if (arrival > InputLimits.MaxSeconds)
            throw new TraceFormatException(source, lineNumber, $"arrival_s '{arrivalText}' is past {InputLimits.MaxSeconds:0e+0} s (32 years); give seconds from the start of the trace");
        int input = ParseTokens(fields[1], "input_tokens", source, lineNumber);
        int output = ParseTokens(fields[2], "output_tokens", source, lineNumber);
        return new Request(id, new Seconds(arrival), input, output);
    }

    private static int ParseTokens(string field, string column, string source, int lineNumber)
    {
        string text = field.Trim();
        bool signed = text.StartsWith('-') || text.StartsWith('+');
        string digits = signed ? text[1..] : text;
        bool whole = digits.Length > 0 && digits.All(char.IsAsciiDigit);
        if (!whole)
            throw new TraceFormatException(source, lineNumber, $"{column} '{text}' is not a whole number");
        if (text.StartsWith('-') || !int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out int value) || value < 1 || value > InputLimits.MaxSequenceTokens)
            throw new TraceFormatException(source, lineNumber, FormattableString.Invariant($"{column} '{text}' is out of range; use 1 to {InputLimits.MaxSequenceTokens:N0}"));
        return value;
    }
}
