using Augur.Simulation.Serving;
using FsCheck.Xunit;

namespace Augur.Tests.Simulation;

public class ServingPropertyTests
{
    /// <summary>Random small deployments and workloads: the engine always drains and its accounting holds.</summary>
    [Property(MaxTest = 40)]
    public void Every_request_finishes_with_ordered_times_and_consistent_accounting(int seed)
    {
        var random = new Random(seed);
        int maxInput = random.Next(1, 300), maxOutput = random.Next(1, 100), blockSize = random.Next(1, 33);
        // Capacity from just enough for the longest request up to plenty.
        long capacity = (long)(maxInput + maxOutput + blockSize) * random.Next(1, 6);
        var model = new FakeServingCostModel
        {
            Fixed = 0.005, PerPrefillToken = 1e-5, PerPrefillContextToken = 1e-9, PerDecodeSequence = 1e-4, PerDecodeContextToken = 1e-7,
            TransferPerToken = 1e-6, KvCapacityTokens = capacity,
        };
        int maxBatch = random.Next(1, 20);
        var options = new SchedulerOptions
        {
            MaxBatchSequences = maxBatch,
            ChunkTokenBudget = maxBatch + random.Next(0, 600),
            BlockSizeTokens = blockSize,
            Routing = random.Next(2) == 0 ? RoutingPolicy.RoundRobin : RoutingPolicy.LeastOutstandingWork,
        };
        var deployment = random.Next(2) == 0
            ? ServingDeployment.Aggregated(random.Next(1, 4), model)
            : ServingDeployment.Disaggregated(random.Next(1, 3), model, random.Next(1, 3), model);
        var requests = RequestGenerator.Generate(new GammaArrivals(random.Next(1, 200), 0.2 + 3 * random.NextDouble()),
            TokenLengths.Uniform(1, maxInput), TokenLengths.Uniform(1, maxOutput), random.Next(1, 150), random);

        ServingResult result = Served.Run(deployment, requests, options);

        Assert.Equal(requests.Count, result.Requests.Count);
        for (int i = 0; i < requests.Count; i++)
        {
            RequestMetrics m = result.Requests[i];
            Assert.Equal(requests[i].Id, m.Id);
            Assert.True(m.TimeToFirstToken.Value >= 0.005);
            Assert.True(m.Finish >= m.FirstToken);
        }
        Assert.Equal(result.Preemptions, result.Requests.Sum(r => r.Preemptions));
        Assert.True(result.TimeSeries.Samples.Count <= options.MaxSamples);
        Assert.All(result.TimeSeries.Samples, s => Assert.InRange(s.KvCacheUsedFraction, 0.0, 1.0));
    }
}
