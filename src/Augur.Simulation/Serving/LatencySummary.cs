using Augur.Units;

namespace Augur.Simulation.Serving;

/// <summary>Distribution of one latency metric over requests; percentiles by nearest rank (<see cref="Percentile"/>).</summary>
public sealed record LatencySummary(int Count, Seconds Mean, Seconds P50, Seconds P90, Seconds P99, Seconds Max)
{
    /// <summary>All zero when there are no values.</summary>
    public static LatencySummary Empty { get; } = new(0, Seconds.Zero, Seconds.Zero, Seconds.Zero, Seconds.Zero, Seconds.Zero);

    /// <summary>Summarises the values; sorts <paramref name="values"/> in place.</summary>
    public static LatencySummary FromValues(double[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length == 0) return Empty;
        Array.Sort(values);
        double sum = 0;
        foreach (double v in values) sum += v;
        return new LatencySummary(
            values.Length,
            new Seconds(sum / values.Length),
            new Seconds(Percentile.NearestRank(values, 50)),
            new Seconds(Percentile.NearestRank(values, 90)),
            new Seconds(Percentile.NearestRank(values, 99)),
            new Seconds(values[^1]));
    }
}
