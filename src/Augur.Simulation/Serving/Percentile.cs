namespace Augur.Simulation.Serving;

/// <summary>Percentiles by the nearest-rank method.</summary>
public static class Percentile
{
    /// <summary>
    /// The nearest-rank <paramref name="percent"/>-th percentile of ascending-sorted values: the value at 1-based
    /// rank ⌈percent/100 · n⌉ (rank 1 for percent 0). Always one of the values; no interpolation.
    /// E.g. of {15, 20, 35, 40, 50}: p30 = 20, p40 = 20, p50 = 35, p100 = 50.
    /// </summary>
    public static double NearestRank(IReadOnlyList<double> sortedAscending, double percent)
    {
        ArgumentNullException.ThrowIfNull(sortedAscending);
        if (sortedAscending.Count == 0) throw new ArgumentException("no values", nameof(sortedAscending));
        return sortedAscending[(int)Rank(sortedAscending.Count, percent) - 1];
    }

    /// <summary>The 1-based rank ⌈percent/100 · n⌉ of the nearest-rank percentile among <paramref name="n"/> values, at least 1.</summary>
    public static long Rank(long n, double percent)
    {
        if (!(percent >= 0 && percent <= 100)) throw new ArgumentOutOfRangeException(nameof(percent), percent, "percent must be in [0, 100]");
        // Round the product first so that e.g. 0.29 * 100 does not become rank 30.0000001 -> 31.
        double exact = Math.Round(percent / 100.0 * n, 9);
        return Math.Clamp((long)Math.Ceiling(exact), 1, n);
    }
}
