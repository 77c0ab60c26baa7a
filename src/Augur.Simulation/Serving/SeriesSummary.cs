namespace Augur.Simulation.Serving;

/// <summary>Peak and mean of one quantity over a time series (equally spaced samples, so the mean is time-weighted).</summary>
public readonly record struct PeakMean(double Peak, double Mean)
{
    public static PeakMean Of(IReadOnlyList<ServingSample> samples, Func<ServingSample, double> value)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentNullException.ThrowIfNull(value);
        if (samples.Count == 0) return default;
        double peak = double.NegativeInfinity, sum = 0;
        foreach (var s in samples)
        {
            double v = value(s);
            peak = Math.Max(peak, v);
            sum += v;
        }
        return new PeakMean(peak, sum / samples.Count);
    }
}

/// <summary>Picks samples of a series for a compact view.</summary>
public static class SeriesSummary
{
    /// <summary>
    /// At most <paramref name="count"/> samples at evenly spaced indices, always the first and the last
    /// (index round(i·(n−1)/(count−1)) for i = 0..count−1, duplicates dropped).
    /// </summary>
    public static IReadOnlyList<ServingSample> Evenly(IReadOnlyList<ServingSample> samples, int count)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 2);
        if (samples.Count <= count) return samples;
        var picked = new List<ServingSample>(count);
        int last = -1;
        for (int i = 0; i < count; i++)
        {
            int index = (int)Math.Round(i * (samples.Count - 1) / (double)(count - 1));
            if (index == last) continue;
            picked.Add(samples[index]);
            last = index;
        }
        return picked;
    }
}
