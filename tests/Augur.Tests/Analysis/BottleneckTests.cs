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
        var pass = new IterationCost { Compute = default, TensorParallel = 3, ExpertParallel = 0, PipelineP2P = 0, Overhead = 0, FlopSeconds = 1, ByteSeconds = 2 };
        // A training step whose exposed TP communication (3 s) is its largest part.
        var step = new StepBreakdown { Compute = 1, Bubble = 0, TensorParallel = 3, ContextParallel = 0, ExpertParallel = 0, PipelineP2P = 0, DataParallel = 0, Optimizer = 0 };
        Assert.Equal(Bottleneck.TensorParallel, pass.Bound);
        Assert.Equal(Bottleneck.TensorParallel, step.Largest);
        Assert.Equal("tp_comm", pass.Bound.Label());
        Assert.Contains(("tp_comm", 3.0), step.Parts());
    }

    [Fact]
    public void A_serving_pass_is_memory_bound_when_its_bytes_take_longer_than_its_flops()
    {
        var pass = new IterationCost { Compute = default, TensorParallel = 0, ExpertParallel = 0, PipelineP2P = 0, Overhead = 0, FlopSeconds = 1, ByteSeconds = 2 };
        Assert.Equal("memory", pass.Bound.Label());
    }
}
