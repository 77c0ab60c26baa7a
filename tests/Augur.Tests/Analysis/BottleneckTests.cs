using Augur.CostModels;
using Augur.CostModels.Inference;
using Augur.CostModels.Operators;
using Augur.CostModels.Training;

namespace Augur.Tests.Analysis;

public class BottleneckTests
{
    [Fact]
    public void Training_and_serving_name_a_communication_bottleneck_the_same_way()
    {
        // A serving pass whose TP all-reduces (3 s) outweigh its FLOP (1 s) and byte (2 s) times.
        var pass = new IterationCost(default, 3, 0, 0, 0, 1, 2);
        // A training step whose exposed TP communication (3 s) is its largest part.
        var step = new StepBreakdown(1, 0, 3, 0, 0, 0, 0, 0);
        Assert.Equal(Bottleneck.TensorParallel, pass.Bound);
        Assert.Equal(Bottleneck.TensorParallel, step.Largest);
        Assert.Equal("tp_comm", pass.Bound.Label());
        Assert.Contains(("tp_comm", 3.0), step.Parts());
    }

    [Fact]
    public void A_serving_pass_is_memory_bound_when_its_bytes_take_longer_than_its_flops()
    {
        var pass = new IterationCost(default, 0, 0, 0, 0, 1, 2);
        Assert.Equal("memory", pass.Bound.Label());
    }
}
