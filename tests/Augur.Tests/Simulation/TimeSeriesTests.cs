using Augur.Simulation.Serving;

namespace Augur.Tests.Simulation;

public class TimeSeriesTests
{
    [Fact]
    public void Series_stays_bounded_evenly_spaced_and_covers_the_run()
    {
        var model = new FakeServingCostModel { Fixed = 0.01, PerPrefillToken = 1e-5, PerDecodeSequence = 1e-4 };
        var requests = RequestGenerator.Generate(new PoissonArrivals(20), TokenLengths.Fixed(200), TokenLengths.Fixed(100), 2000, new Random(4));
        var options = new SchedulerOptions { SampleInterval = new Augur.Units.Seconds(1e-4), MaxSamples = 100 };

        ServingResult result = Served.Run(ServingDeployment.Aggregated(2, model), requests, options);

        ServingTimeSeries series = result.TimeSeries;
        Assert.InRange(series.Samples.Count, 50, 100);
        double doublings = Math.Log2(series.Interval.Value / 1e-4);
        Assert.Equal(Math.Round(doublings), doublings, 9);
        for (int k = 0; k < series.Samples.Count; k++)
            Close.Equal(k * series.Interval.Value, series.Samples[k].Time.Value);
        double finish = result.Requests.Max(r => r.Finish.Value);
        Assert.True(series.Samples[^1].Time.Value <= finish);
        Assert.True(series.Samples[^1].Time.Value > finish - series.Interval.Value);
        Assert.Contains(series.Samples, s => s.RunningSequences > 0);
        Assert.Equal(0, series.Samples[0].RunningSequences);
    }

    [Fact]
    public void Default_interval_gives_at_most_a_thousand_samples()
    {
        var model = new FakeServingCostModel { Fixed = 0.01, PerDecodeSequence = 1e-4 };
        var requests = RequestGenerator.Generate(new PoissonArrivals(100), TokenLengths.Fixed(10), TokenLengths.Fixed(10), 5000, new Random(1));
        ServingResult result = Served.Run(ServingDeployment.Aggregated(1, model), requests, new SchedulerOptions());
        Assert.InRange(result.TimeSeries.Samples.Count, 500, 1000);
    }
}
