using Augur.Simulation.Serving;
using Augur.Units;

namespace Augur.Tests.Simulation;

public class DisaggregatedServingTests
{
    private static FakeServingCostModel PrefillModel() => new()
    {
        Fixed = 0.02, PerPrefillToken = 1e-4, TransferFixed = 0.5, TransferPerToken = 1e-3, LogShapes = true,
    };

    private static FakeServingCostModel DecodeModel() => new()
    {
        Fixed = 0.005, PerDecodeSequence = 1e-3, PerDecodeContextToken = 1e-6, TransferFixed = 99, LogShapes = true,
    };

    [Fact]
    public void Ttft_is_prefill_plus_the_prefill_models_transfer_time_and_decoding_follows()
    {
        var prefill = PrefillModel();
        var decode = DecodeModel();
        var requests = new[] { new Request(0, new Seconds(1.0), 100, 10) };

        ServingResult result = Served.Run(ServingDeployment.Disaggregated(1, prefill, 1, decode), requests, new SchedulerOptions());

        double prefillTime = 0.02 + 100 * 1e-4; // 0.03 s
        double transfer = 0.5 + 100 * 1e-3;     // 0.6 s, from the PREFILL model (the decode model's 99 s is never used)
        double ttft = prefillTime + transfer;   // the first token reaches the user with the KV at the decode replica
        double decodeSum = 0;
        for (int k = 1; k <= 9; k++) decodeSum += 0.005 + 1e-3 + (100 + k) * 1e-6;
        RequestMetrics m = result.Requests[0];
        Close.Equal(ttft, m.TimeToFirstToken.Value);
        Close.Equal(1.0 + ttft + decodeSum, m.Finish.Value);
        Close.Equal(decodeSum / 9, m.TimePerOutputToken!.Value.Value);
        Assert.Single(prefill.Shapes);
        Assert.All(prefill.Shapes, s => Assert.Equal(0, s.DecodeSequences));
        Assert.Equal(9, decode.Shapes.Count);
        Assert.All(decode.Shapes, s => Assert.Equal(0, s.PrefillTokens));
        Assert.Equal(new IterationShape(0, 0, 1, 101), decode.Shapes[0]);
    }

    [Fact]
    public void One_token_request_finishes_on_the_prefill_replica()
    {
        var prefill = PrefillModel();
        var decode = DecodeModel();
        ServingResult result = Served.Run(
            ServingDeployment.Disaggregated(1, prefill, 1, decode), new[] { new Request(0, Seconds.Zero, 100, 1) }, new SchedulerOptions());
        Close.Equal(0.03, result.Requests[0].EndToEnd.Value);
        Assert.Null(result.Requests[0].TimePerOutputToken);
        Assert.Empty(decode.Shapes);
    }

    [Fact]
    public void Many_requests_over_several_replicas_all_finish_with_ttft_at_least_their_prefill()
    {
        var prefill = new FakeServingCostModel { Fixed = 0.01, PerPrefillToken = 2e-5, TransferPerToken = 1e-5 };
        var decode = new FakeServingCostModel { Fixed = 0.008, PerDecodeSequence = 1e-4, PerDecodeContextToken = 1e-8, KvCapacityTokens = 20_000 };
        var requests = RequestGenerator.Generate(new PoissonArrivals(40), TokenLengths.Uniform(100, 800), TokenLengths.Uniform(1, 300), 1500, new Random(5));
        var options = new SchedulerOptions { MaxBatchSequences = 64, ChunkTokenBudget = 2048, Routing = RoutingPolicy.LeastOutstandingWork };

        ServingResult result = Served.Run(ServingDeployment.Disaggregated(2, prefill, 3, decode), requests, options);

        Assert.Equal(requests.Count, result.Requests.Count);
        Assert.All(result.Requests, m =>
        {
            Assert.True(m.TimeToFirstToken.Value >= prefill.Prefill(Math.Min(m.InputTokens, 2048), 0) - 1e-12);
            Assert.True(m.Finish >= m.FirstToken);
            if (m.OutputTokens > 1) Assert.True(m.Finish.Value - m.FirstToken.Value >= m.InputTokens * 1e-5);
        });
    }
}
