using Augur.Simulation.Serving;
using Augur.Units;

namespace Augur.Tests.Simulation;

public class PreemptionTests
{
    [Fact]
    public void Newest_sequence_is_evicted_and_recomputes_its_generated_tokens()
    {
        // 8 tokens of KV in blocks of 4 = 2 blocks. Two requests of 3 prompt + 3 output tokens.
        var model = new FakeServingCostModel
        {
            Fixed = 0.01, PerPrefillToken = 1e-3, PerPrefillContextToken = 1e-4, PerDecodeSequence = 2e-3, PerDecodeContextToken = 1e-5,
            KvCapacityTokens = 8, LogShapes = true,
        };
        var options = new SchedulerOptions { MaxBatchSequences = 2, ChunkTokenBudget = 8, BlockSizeTokens = 4 };

        ServingResult result = Served.Run(ServingDeployment.Aggregated(1, model), RequestGenerator.Burst(2, 3, 3), options);

        // 1: both prefill (1 block each).  2: both decode, context 4 (still 1 block each).
        // 3: A needs a 2nd block for context 5; none free, so B (newest) is evicted; only A decodes; A finishes.
        // 4: B is readmitted with prompt 3 + 2 generated = 5 tokens (2 blocks), prefills, and produces its last token.
        IterationShape[] expected =
        [
            new(6, 12, 0, 0, 2),
            new(0, 0, 2, 8),
            new(0, 0, 1, 5),
            new(5, 15, 0, 0, 1),
        ];
        Assert.Equal(expected, model.Shapes);
        double t1 = model.Prefill(6, 12), t2 = model.Decode(2, 8), t3 = model.Decode(1, 5), t4 = model.Prefill(5, 15);
        RequestMetrics a = result.Requests[0], b = result.Requests[1];
        Close.Equal(t1, a.TimeToFirstToken.Value);
        Close.Equal(t1 + t2 + t3, a.Finish.Value);
        Assert.Equal(0, a.Preemptions);
        Close.Equal(t1, b.TimeToFirstToken.Value); // first token is not re-counted after the preemption
        Close.Equal(t1 + t2 + t3 + t4, b.Finish.Value);
        Assert.Equal(1, b.Preemptions);
        Assert.Equal(1, result.Preemptions);
    }

    [Fact]
    public void A_decode_replica_that_prefills_alone_decodes_nothing_beside_a_recomputed_prompt()
    {
        // Disaggregated with a tiny decode cache: evicted sequences are prefilled again on the decode replica. An engine
        // that prefills alone must not let the queue's ready-to-decode sequences start decoding in that iteration.
        var prefill = new FakeServingCostModel { Fixed = 0.01, PerPrefillToken = 1e-5, PerDecodeSequence = 1e-4, TransferFixed = 1e-3 };
        var decode = new FakeServingCostModel { Fixed = 0.01, PerPrefillToken = 1e-5, PerDecodeSequence = 1e-4, KvCapacityTokens = 256, LogShapes = true };
        var options = new SchedulerOptions { MaxBatchSequences = 10, ChunkTokenBudget = 64, BlockSizeTokens = 16, MixedPrefill = false };

        ServingResult result = Served.Run(ServingDeployment.Disaggregated(1, prefill, 1, decode), RequestGenerator.Burst(10, 40, 60), options);

        Assert.True(result.Preemptions > 0);
        Assert.Contains(decode.Shapes, s => s.PrefillTokens > 0);
        Assert.DoesNotContain(decode.Shapes, s => s.PrefillTokens > 0 && s.DecodeSequences > 0);
        Assert.Equal(600, result.Requests.Sum(r => r.OutputTokens));
    }

    [Fact]
    public void Tiny_cache_preempts_but_every_request_finishes()
    {
        var model = new FakeServingCostModel { Fixed = 0.01, PerPrefillToken = 1e-5, PerDecodeSequence = 1e-4, KvCapacityTokens = 256 };
        var options = new SchedulerOptions { MaxBatchSequences = 10, ChunkTokenBudget = 64, BlockSizeTokens = 16 };
        var requests = RequestGenerator.Burst(10, 40, 60);

        ServingResult result = Served.Run(ServingDeployment.Aggregated(1, model), requests, options);

        Assert.True(result.Preemptions > 0);
        Assert.Equal(result.Preemptions, result.Requests.Sum(r => r.Preemptions));
        Assert.All(result.Requests, r =>
        {
            Assert.True(double.IsFinite(r.Finish.Value));
            Assert.True(r.FirstToken <= r.Finish);
        });
        Assert.All(result.TimeSeries.Samples, s => Assert.InRange(s.KvCacheUsedFraction, 0.0, 1.0));
        Close.Equal(600 / result.Makespan.Value, result.OutputThroughput.PerSecond);
    }

    [Fact]
    public void Request_too_long_for_the_cache_is_rejected_up_front()
    {
        var model = new FakeServingCostModel { Fixed = 0.01, KvCapacityTokens = 64 };
        var requests = new[] { new Request(3, Seconds.Zero, 60, 10) };
        var ex = Assert.Throws<ArgumentException>(() =>
            Served.Run(ServingDeployment.Aggregated(1, model), requests, new SchedulerOptions { BlockSizeTokens = 16 }));
        Assert.Contains("request 3 needs 69 tokens", ex.Message);
    }
}
