using Augur.Simulation.Serving;

namespace Augur.Tests.Simulation;

public class LatencyDistributionTests
{
    static LatencyDistribution Of(IEnumerable<double> values)
    {
        var d = new LatencyDistribution();
        foreach (double v in values) d.Add(v);
        return d;
    }

    [Fact]
    public void Up_to_the_exact_limit_the_summary_is_the_nearest_rank_one()
    {
        var d = Of(Enumerable.Range(1, 100).Reverse().Select(i => (double)i));
        Assert.True(d.IsExact);
        Assert.Equal(new LatencySummary(100, new(50.5), new(50), new(90), new(99), new(100)), d.Summary());
        Assert.Equal(LatencySummary.Empty, new LatencyDistribution().Summary());
    }

    [Fact]
    public void Past_the_exact_limit_percentiles_are_within_half_a_percent()
    {
        // 1 ms … 200 s in 1 ms steps, shuffled: nearest rank p50 = 100 s, p90 = 180 s, p99 = 198 s; mean 100.0005 s.
        var values = Enumerable.Range(1, 200_000).Select(i => i / 1000.0).ToArray();
        new Random(3).Shuffle(values);
        var d = Of(values);
        Assert.False(d.IsExact);
        Assert.Equal(0, d.ExactCount);
        var s = d.Summary();
        Assert.Equal(200_000, s.Count);
        Assert.Equal(100.0005, s.Mean.Value, 9);
        Assert.Equal(200, s.Max.Value);
        foreach (var (got, want) in new[] { (s.P50.Value, 100.0), (s.P90.Value, 180.0), (s.P99.Value, 198.0) })
            Assert.InRange(Math.Abs(got / want - 1), 0, LatencyDistribution.RelativeAccuracy);
    }

    [Fact]
    public void Its_memory_is_bounded_whatever_the_number_of_values()
    {
        // ln(1e6 / 1e-9) / ln(1.005 / 0.995) = 34.54 / 0.0100 → about 3,455 buckets cover a nanosecond to 11.6 days.
        Assert.InRange(LatencyDistribution.MaxBuckets, 3450, 3460);
        var d = new LatencyDistribution();
        var random = new Random(5);
        int afterAMillion = 0;
        for (int i = 1; i <= 3_000_000; i++)
        {
            // Log-uniform from a microsecond to a day, and a few zeros and extremes.
            d.Add(i % 100_000 == 0 ? 0 : i % 100_001 == 0 ? 1e9 : Math.Pow(10, -6 + 11 * random.NextDouble()));
            if (i == 1_000_000) afterAMillion = d.BucketCount;
        }
        Assert.Equal(3_000_000, d.Count);
        Assert.Equal(0, d.ExactCount);
        Assert.InRange(d.BucketCount, 1, LatencyDistribution.MaxBuckets);
        // Eleven decades at 230 buckets each are filled by the first million; two million more add none.
        Assert.InRange(d.BucketCount - afterAMillion, 0, 1);
    }

    [Fact]
    public void The_histogram_counts_every_value_once()
    {
        var exact = Of([1, 2, 2, 3, 4]);
        var bins = exact.Histogram(3);
        Assert.Equal([1L, 2, 2], bins.Select(b => b.Count));
        Assert.Equal(1, bins[0].Low);
        Assert.Equal(4, bins[^1].High, 12);
        var sketched = Of(Enumerable.Range(1, 100_000).Select(i => (double)i));
        Assert.Equal(100_000, sketched.Histogram(40).Sum(b => b.Count));
    }

    [Fact]
    public void A_negative_or_infinite_latency_is_a_bug_not_a_value()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new LatencyDistribution().Add(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LatencyDistribution().Add(double.PositiveInfinity));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LatencyDistribution().Add(double.NaN));
    }
}
