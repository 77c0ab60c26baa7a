using Augur.Simulation.Serving;
using Augur.Units;

namespace Augur.Tests.Simulation;

public class RoutingTests
{
    private static readonly FakeServingCostModel Model = new() { Fixed = 0.01, PerPrefillToken = 1e-4, PerDecodeSequence = 1e-3 };

    private static readonly Request[] Requests =
    [
        new(0, new Seconds(0.000), 1000, 1000), // long: keeps its replica busy prefilling until 0.11 s
        new(1, new Seconds(0.001), 10, 1000),
        new(2, new Seconds(0.002), 10, 10),
    ];

    [Fact]
    public void Round_robin_sends_the_third_request_behind_the_long_prefill()
    {
        ServingResult result = Served.Run(ServingDeployment.Aggregated(2, Model), Requests,
            new SchedulerOptions { Routing = RoutingPolicy.RoundRobin });
        // Replica 0: r0 prefill 0 → 0.11; then r0 decode + r2 prefill (10 tokens): 0.012 s → 0.122.
        Close.Equal(0.122 - 0.002, result.Requests[2].TimeToFirstToken.Value);
    }

    [Fact]
    public void Least_outstanding_work_sends_it_to_the_lightly_loaded_replica()
    {
        ServingResult result = Served.Run(ServingDeployment.Aggregated(2, Model), Requests,
            new SchedulerOptions { Routing = RoutingPolicy.LeastOutstandingWork });
        // Outstanding at 0.002 s: replica 0 has 2000 tokens, replica 1 has 1010, so r2 goes to replica 1.
        // Replica 1: r1 prefill 0.001 → 0.012; then r1 decode + r2 prefill: 0.012 s → 0.024.
        Close.Equal(0.024 - 0.002, result.Requests[2].TimeToFirstToken.Value);
    }

    [Fact]
    public void Round_robin_spreads_a_burst_evenly()
    {
        var model = new FakeServingCostModel { Fixed = 0.01, PerPrefillToken = 1e-4 };
        ServingResult two = Served.Run(ServingDeployment.Aggregated(2, model), RequestGenerator.Burst(4, 100, 1), new SchedulerOptions());
        ServingResult one = Served.Run(ServingDeployment.Aggregated(1, model), RequestGenerator.Burst(4, 100, 1), new SchedulerOptions());
        Assert.All(two.Requests, m => Close.Equal(model.Prefill(200, 0), m.TimeToFirstToken.Value));
        Assert.All(one.Requests, m => Close.Equal(model.Prefill(400, 0), m.TimeToFirstToken.Value));
    }
}
