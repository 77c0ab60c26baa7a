using Augur.CostModels;
using Augur.CostModels.Inference;
using Augur.CostModels.Operators;
using Augur.CostModels.Training;
using Augur.Units;

namespace Augur.Tests.Analysis;

public class BottleneckTests
{
    [Fact]
    public void Training_and_serving_name_a_communication_bottleneck_the_same_way()
    {
        // A serving pass whose TP all-reduces (3 s) outweigh its FLOP (1 s) and byte (2 s) times.
        var none = Seconds.Zero;
        var pass = new IterationCost { Compute = default, TensorParallel = new(3), ExpertParallel = none, PipelineP2P = none, Overhead = none, FlopBound = new(1), ByteBound = new(2) };
        // A training step whose exposed TP communication (3 s) is its largest part.
        var step = new StepBreakdown { Compute = new(1), Bubble = none, TensorParallel = new(3), ContextParallel = none, ExpertParallel = none, PipelineP2P = none, DataParallel = none, Optimizer = none };
        Assert.Equal(Bottleneck.TensorParallel, pass.Bound);
        Assert.Equal(Bottleneck.TensorParallel, step.Largest);
        Assert.Equal("tp_comm", pass.Bound.Label());
        Assert.Contains(("tp_comm", new Seconds(3)), step.Parts());
    }

    [Fact]
    public void A_serving_pass_is_memory_bound_when_its_bytes_take_longer_than_its_flops()
    {
        var none = Seconds.Zero;
        var pass = new IterationCost { Compute = default, TensorParallel = none, ExpertParallel = none, PipelineP2P = none, Overhead = none, FlopBound = new(1), ByteBound = new(2) };
        Assert.Equal("memory", pass.Bound.Label());
    }
}
