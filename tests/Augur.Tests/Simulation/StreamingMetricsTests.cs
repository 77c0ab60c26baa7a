using Augur.Simulation.Serving;

namespace Augur.Tests.Simulation;

public class StreamingMetricsTests
{
    [Fact]
    public void A_small_run_summarises_exactly_the_requests_it_reports_one_by_one()
    {
        var model = new FakeServingCostModel { Fixed = 0.01, PerPrefillToken = 1e-5, PerDecodeSequence = 1e-4 };
        var requests = RequestGenerator.Generate(new PoissonArrivals(50), TokenLengths.Uniform(50, 500), TokenLengths.Uniform(1, 50), 3000, new Random(6));
        var r = Served.Run(ServingDeployment.Aggregated(2, model), requests, new SchedulerOptions());
        var ttft = r.Requests.Select(m => m.TimeToFirstToken.Value).Order().ToList();
        var tpot = r.Requests.Where(m => m.OutputTokens > 1).Select(m => m.TimePerOutputToken!.Value.Value).Order().ToList();
        Assert.Equal(3000, r.RequestCount);
        Assert.True(r.Distributions.TimeToFirstToken.IsExact);
        Assert.Equal(Percentile.NearestRank(ttft, 50), r.TimeToFirstToken.P50.Value);
        Assert.Equal(Percentile.NearestRank(ttft, 99), r.TimeToFirstToken.P99.Value);
        Assert.Equal(tpot.Count, r.TimePerOutputToken.Count);
        Assert.Equal(Percentile.NearestRank(tpot, 90), r.TimePerOutputToken.P90.Value);
    }

    [Fact]
    public void A_run_past_the_exact_limit_keeps_bounded_sketches_not_values()
    {
        var model = new FakeServingCostModel { Fixed = 1e-3, PerPrefillToken = 1e-6, PerDecodeSequence = 1e-5 };
        int n = LatencyDistribution.ExactValues + 10_000;
        var requests = RequestGenerator.Generate(new PoissonArrivals(400), TokenLengths.Fixed(20), TokenLengths.Fixed(2), n, new Random(2));
        var r = ServingSimulation.Run(ServingDeployment.Aggregated(4, model), requests, new SchedulerOptions());
        Assert.Equal(n, r.RequestCount);
        Assert.Equal(n, r.EndToEnd.Count);
        foreach (var d in new[] { r.Distributions.TimeToFirstToken, r.Distributions.TimePerOutputToken, r.Distributions.EndToEnd })
        {
            Assert.False(d.IsExact);
            Assert.Equal(0, d.ExactCount);
            Assert.InRange(d.BucketCount, 1, LatencyDistribution.MaxBuckets);
        }
    }
}
