using Augur.CostModels.Rl;
using Augur.Domain.Workloads;

namespace Augur.Tests.Rl;

/// <summary>A replica with more samples than it runs at once: each queued response starts as the first running one ends.</summary>
public class RlRolloutQueueTests
{
    [Fact]
    public void Constant_lengths_run_in_rounds_and_the_last_one_alone()
    {
        // Five responses of 101 tokens (100 decode steps each), two at a time: two end at 100, two start there and end at
        // 200, the fifth starts at 200 and runs its 100 steps alone, at a mean context of 10 + 50 tokens mid-way.
        var q = RolloutQueue.Of(5, 2, new RlLengths(101, 0, 101), 10);
        Assert.Equal(200, q.LastStart);
        Assert.Equal([100.0], q.Steps);
        Assert.Equal([1.0], q.Live);
        Assert.Equal([60.0], q.Context);
    }

    [Fact]
    public void The_queue_holds_every_responses_decode_steps()
    {
        // Until the last start every slot is busy; after it the segments hold what is left: b·LastStart + Σ steps × live
        // = Σ (L − 1) over the n quantile lengths.
        var response = new RlLengths(3000, 0.75, 8000);
        var q = RolloutQueue.Of(300, 128, response, 100);
        double queued = 128 * q.LastStart + q.Steps.Zip(q.Live, (s, l) => s * l).Sum();
        double tokens = SequencePacking.Lengths(0, response, 300).Sum(l => l - 1.0);
        Assert.Equal(tokens, queued, 1e-6 * tokens);
        // The batch only shrinks, and a response that starts late can outlast the longest of the first batch.
        Assert.True(q.Live.Zip(q.Live.Skip(1), (a, b) => a > b).All(x => x));
        Assert.True(q.LastStart + q.Steps.Sum() > 8000 - 1);
    }
}
