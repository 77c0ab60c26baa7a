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
        var q = RolloutQueue.Of(5, 2, new RlLengths(101, 0, 101), 10, 101);
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
        var q = RolloutQueue.Of(300, 128, response, 100, 0);
        double queued = 128 * q.LastStart + q.Steps.Zip(q.Live, (s, l) => s * l).Sum();
        double tokens = SequencePacking.Lengths(0, response, 300).Sum(l => l - 1.0);
        Assert.Equal(tokens, queued, 1e-6 * tokens);
        // The batch only shrinks.
        Assert.True(q.Live.Zip(q.Live.Skip(1), (a, b) => a > b).All(x => x));
    }

    [Fact]
    public void A_queued_response_starts_when_the_first_running_one_ends()
    {
        // 100, 300 and 50 decode steps, two at a time: the third starts when the first ends (100) and ends at 150. The tail
        // from 100: both running to 150 (mid-way the second has taken 125 steps and the third 25: context 10 + 75), then
        // the second alone to 300 (mid-way 225 steps: 10 + 225).
        var q = RolloutQueue.Run([100, 300, 50], 2, 10);
        Assert.Equal(100, q.LastStart);
        Assert.Equal([50.0, 150.0], q.Steps);
        Assert.Equal([2.0, 1.0], q.Live);
        Assert.Equal([85.0, 235.0], q.Context);
    }

    [Fact]
    public void The_queue_waits_for_the_steps_longest_response()
    {
        // A replica's 3 quantile lengths stop well under the cap; the step's longest over 1,024 samples reaches it, and the
        // replica that draws it sets the step: its longest response runs 8,000 tokens, 7,999 steps.
        var response = new RlLengths(1000, 0.75, 8000);
        var q = RolloutQueue.Of(3, 2, response, 0, 8000);
        Assert.Equal(7999, q.LastStart + q.Steps.Sum());
    }
}
