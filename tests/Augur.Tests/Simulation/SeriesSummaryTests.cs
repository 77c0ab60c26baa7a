using Augur.Simulation.Serving;
using Augur.Units;

namespace Augur.Tests.Simulation;

public class SeriesSummaryTests
{
    static ServingSample[] Series(int n) =>
        Enumerable.Range(0, n).Select(i => new ServingSample(new Seconds(i), 2 * i, i % 3, i / (double)n)).ToArray();

    [Fact]
    public void Ten_evenly_spaced_samples_of_a_thousand_are_every_111th()
    {
        // round(i·999/9) = 111·i exactly.
        var picked = SeriesSummary.Evenly(Series(1000), 10);
        Assert.Equal([0, 111, 222, 333, 444, 555, 666, 777, 888, 999], picked.Select(p => p.Time.Value));
    }

    [Fact]
    public void Short_series_are_kept_whole_and_uneven_ones_keep_both_ends()
    {
        Assert.Equal(5, SeriesSummary.Evenly(Series(5), 10).Count);
        // n = 14, count = 10: round(i·13/9) = 0, 1, 3, 4, 6, 7, 9, 10, 12, 13.
        Assert.Equal([0, 1, 3, 4, 6, 7, 9, 10, 12, 13], SeriesSummary.Evenly(Series(14), 10).Select(p => p.Time.Value));
    }

    [Fact]
    public void Peak_and_mean_over_samples()
    {
        // Waiting 0, 2, 4, 6: peak 6, mean 3. Running 0, 1, 2, 0: peak 2, mean 0.75.
        var s = Series(4);
        Assert.Equal(new PeakMean(6, 3), PeakMean.Of(s, p => p.WaitingRequests));
        Assert.Equal(new PeakMean(2, 0.75), PeakMean.Of(s, p => p.RunningSequences));
        Assert.Equal(default, PeakMean.Of([], p => p.WaitingRequests));
    }
}
