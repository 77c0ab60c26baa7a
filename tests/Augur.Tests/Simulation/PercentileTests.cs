using Augur.Simulation.Serving;

namespace Augur.Tests.Simulation;

public class PercentileTests
{
    [Theory]
    [InlineData(0, 15)]
    [InlineData(5, 15)]
    [InlineData(20, 15)]  // rank ⌈0.2·5⌉ = 1
    [InlineData(30, 20)]  // rank ⌈1.5⌉ = 2
    [InlineData(40, 20)]  // rank 2 exactly
    [InlineData(50, 35)]  // rank ⌈2.5⌉ = 3
    [InlineData(99, 50)]
    [InlineData(100, 50)]
    public void Nearest_rank_on_a_known_list(double percent, double expected)
    {
        double[] sorted = [15, 20, 35, 40, 50];
        Assert.Equal(expected, Percentile.NearestRank(sorted, percent));
    }

    [Fact]
    public void Summary_of_one_to_a_hundred()
    {
        double[] values = Enumerable.Range(1, 100).Reverse().Select(i => (double)i).ToArray();
        LatencySummary s = LatencySummary.FromValues(values);
        Assert.Equal(100, s.Count);
        Assert.Equal(50.5, s.Mean.Value);
        Assert.Equal(50, s.P50.Value);
        Assert.Equal(90, s.P90.Value);
        Assert.Equal(99, s.P99.Value);
        Assert.Equal(100, s.Max.Value);
    }

    [Fact]
    public void Empty_list_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => Percentile.NearestRank(Array.Empty<double>(), 50));
        Assert.Equal(LatencySummary.Empty, LatencySummary.FromValues([]));
    }
}
