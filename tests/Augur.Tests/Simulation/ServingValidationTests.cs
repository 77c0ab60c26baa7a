using Augur.Simulation.Serving;
using Augur.Units;

namespace Augur.Tests.Simulation;

public class ServingValidationTests
{
    private static readonly FakeServingCostModel Model = new() { Fixed = 0.01 };
    private static readonly Request[] One = [new(0, Seconds.Zero, 10, 10)];

    [Fact]
    public void Token_budget_below_the_batch_limit_is_rejected()
    {
        var ex = Assert.Throws<ArgumentException>(() => ServingSimulation.Run(
            ServingDeployment.Aggregated(1, Model), One, new SchedulerOptions { MaxBatchSequences = 64, ChunkTokenBudget = 32 }));
        Assert.Contains("ChunkTokenBudget (32) must be at least MaxBatchSequences (64)", ex.Message);
    }

    [Fact]
    public void Empty_and_malformed_requests_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => ServingSimulation.Run(ServingDeployment.Aggregated(1, Model), [], new SchedulerOptions()));
        var ex = Assert.Throws<ArgumentException>(() => ServingSimulation.Run(
            ServingDeployment.Aggregated(1, Model), [new Request(4, Seconds.Zero, 10, 0)], new SchedulerOptions()));
        Assert.StartsWith("request 4:", ex.Message);
    }

    [Fact]
    public void Disaggregated_decode_pool_must_hold_the_whole_sequence()
    {
        var small = new FakeServingCostModel { Fixed = 0.01, KvCapacityTokens = 32 };
        var ex = Assert.Throws<ArgumentException>(() => ServingSimulation.Run(
            ServingDeployment.Disaggregated(1, Model, 1, small), [new Request(0, Seconds.Zero, 30, 10)], new SchedulerOptions()));
        Assert.Contains("decode replica", ex.Message);
    }
}
