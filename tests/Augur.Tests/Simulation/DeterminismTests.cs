using Augur.Domain.Workloads;
using Augur.Simulation.Serving;

namespace Augur.Tests.Simulation;

public class DeterminismTests
{
    private static ServingResult Simulate(int seed, ServingMode mode)
    {
        var random = new Random(seed);
        var requests = RequestGenerator.Generate(new GammaArrivals(60, 2.5), TokenLengths.Uniform(50, 500), TokenLengths.Uniform(10, 200), 3000, random);
        var model = new FakeServingCostModel { Fixed = 0.01, PerPrefillToken = 2e-5, PerDecodeSequence = 2e-4, PerDecodeContextToken = 1e-7, TransferPerToken = 1e-5, KvCapacityTokens = 4000 };
        var deployment = mode == ServingMode.Aggregated
            ? ServingDeployment.Aggregated(4, model)
            : ServingDeployment.Disaggregated(2, model, 2, model);
        var options = new SchedulerOptions { MaxBatchSequences = 32, ChunkTokenBudget = 512, Routing = RoutingPolicy.LeastOutstandingWork };
        return Served.Run(deployment, requests, options);
    }

    [Theory]
    [InlineData(ServingMode.Aggregated)]
    [InlineData(ServingMode.Disaggregated)]
    public void Same_seed_gives_identical_results(ServingMode mode)
    {
        ServingResult first = Simulate(1, mode), second = Simulate(1, mode);
        Assert.Equal(first.Requests, second.Requests);
        Assert.Equal(first.TimeSeries.Samples, second.TimeSeries.Samples);
        Assert.Equal(first.TimeToFirstToken, second.TimeToFirstToken);
        Assert.Equal(first.TimePerOutputToken, second.TimePerOutputToken);
        Assert.Equal(first.EndToEnd, second.EndToEnd);
        Assert.Equal(first.Preemptions, second.Preemptions);
        Assert.Equal(first.Iterations, second.Iterations);
        Assert.True(first.Preemptions > 0, "the small cache should force preemptions so that path is covered");
    }

    [Fact]
    public void Different_seeds_give_different_results()
    {
        ServingResult first = Simulate(1, ServingMode.Aggregated), second = Simulate(2, ServingMode.Aggregated);
        Assert.NotEqual(first.Requests, second.Requests);
        Assert.NotEqual(first.EndToEnd, second.EndToEnd);
    }
}
