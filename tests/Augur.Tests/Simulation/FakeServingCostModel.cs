using Augur.Simulation.Serving;
using Augur.Units;

namespace Augur.Tests.Simulation;

/// <summary>
/// A linear test double: iteration time = Fixed + PerPrefillToken·prefill tokens + PerPrefillContextToken·prefill
/// context + PerDecodeSequence·decode sequences + PerDecodeContextToken·decode context; transfer time =
/// TransferFixed + TransferPerToken·prompt tokens. Optionally logs every shape it is asked about.
/// </summary>
internal sealed class FakeServingCostModel : IServingCostModel
{
    public double Fixed { get; init; }
    public double PerPrefillToken { get; init; }
    public double PerPrefillContextToken { get; init; }
    public double PerDecodeSequence { get; init; }
    public double PerDecodeContextToken { get; init; }
    public double TransferFixed { get; init; }
    public double TransferPerToken { get; init; }
    public long KvCapacityTokens { get; init; } = 1_000_000;
    public bool LogShapes { get; init; }

    public List<IterationShape> Shapes { get; } = new();

    public Seconds IterationTime(in IterationShape shape)
    {
        if (LogShapes) Shapes.Add(shape);
        return new Seconds(Time(shape.PrefillTokens, shape.PrefillContextTokens, shape.DecodeSequences, shape.DecodeContextTokens));
    }

    /// <summary>The same formula, for tests to work out expectations.</summary>
    public double Time(int prefillTokens, double prefillContext, int decodeSequences, double decodeContext) =>
        Fixed + PerPrefillToken * prefillTokens + PerPrefillContextToken * prefillContext
        + PerDecodeSequence * decodeSequences + PerDecodeContextToken * decodeContext;

    public double Prefill(int tokens, double context) => Time(tokens, context, 0, 0);

    public double Decode(int sequences, double context) => Time(0, 0, sequences, context);

    public Seconds KvTransferTime(int promptTokens) => new(TransferFixed + TransferPerToken * promptTokens);
}

internal static class Close
{
    /// <summary>Relative (or, near zero, absolute) agreement to <paramref name="tolerance"/>.</summary>
    public static void Equal(double expected, double actual, double tolerance = 1e-12)
    {
        double scale = Math.Max(1.0, Math.Abs(expected));
        Assert.True(Math.Abs(expected - actual) <= tolerance * scale, $"expected {expected:R} but got {actual:R} (tolerance {tolerance:R})");
    }
}
