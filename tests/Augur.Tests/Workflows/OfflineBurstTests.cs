using Augur.Catalog.Loading;
using Augur.Domain;
using Augur.Domain.Workloads;
using Augur.Workflows;

namespace Augur.Tests.Workflows;

/// <summary>
/// inference.requests: an offline benchmark's requests queued at once and served request by request, as trtllm-bench
/// throughput and bench_serving at an infinite rate run them.
/// </summary>
public class OfflineBurstTests
{
    static Scenario Read(string extra, string simulation = "") => ScenarioLoader.FromYaml(CatalogStore.Default, $$"""
        workload: inference
        model: llama3.1-8b
        hardware: dgx-h100
        cluster: {gpus: 1}
        inference: {input_tokens: 1000, output_tokens: 1000, engine: trtllm-bench{{extra}}}
        {{simulation}}
        """);

    [Fact]
    public void Every_output_token_of_the_burst_is_served_within_its_makespan()
    {
        var o = (InferenceEstimateOutcome)EstimateWorkflow.Run(Read(", requests: 500"), CatalogStore.Default);
        var burst = o.Burst!;
        Assert.Equal(500, burst.Requests);
        // Fixed lengths: 500 requests × 1,000 output tokens, all on the one GPU, over the makespan.
        Assert.Equal(500 * 1000.0, burst.OutputTokensPerSecondPerGpu * burst.Makespan.Value, 6);
        Assert.Equal(burst.OutputTokensPerSecondPerGpu, burst.DecodeOutputTokensPerSecondPerGpu);
    }

    [Fact]
    public void Fewer_requests_than_the_batch_holds_cannot_reach_the_steady_state()
    {
        // The steady state keeps its batch full; a burst smaller than that batch never fills it, and its last
        // requests decode with nothing beside them.
        var o = (InferenceEstimateOutcome)EstimateWorkflow.Run(Read(", requests: 16"), CatalogStore.Default);
        Assert.True(o.Estimate.Concurrency > 16, $"batch {o.Estimate.Concurrency}");
        Assert.True(o.Burst!.OutputTokensPerSecondPerGpu < 0.5 * o.Estimate.OutputTokensPerSecondPerGpu,
            $"{o.Burst.OutputTokensPerSecondPerGpu} vs {o.Estimate.OutputTokensPerSecondPerGpu}");
    }

    [Fact]
    public void Without_requests_there_is_no_burst()
    {
        var o = (InferenceEstimateOutcome)EstimateWorkflow.Run(Read(""), CatalogStore.Default);
        Assert.Null(o.Burst);
    }

    [Fact]
    public void A_burst_arrival_queues_every_request_at_zero_and_takes_no_rate()
    {
        var s = Read("", "simulation: {requests: 40, arrival: burst}");
        var outcome = (ServingSimulationOutcome)SimulateWorkflow.Run(s, CatalogStore.Default);
        Assert.All(outcome.Setup.Requests, r => Assert.Equal(0.0, r.Arrival.Value));
        Assert.Equal(40, outcome.Result.RequestCount);
        Assert.Null(outcome.Setup.RatePerSecond);
        var e = Assert.Throws<InputException>(() => Read("", "simulation: {arrival: burst, rate_per_s: 5}"));
        Assert.Contains("rate_per_s", e.Message);
    }

    [Fact]
    public void A_burst_too_long_to_step_through_is_refused_in_its_own_terms()
    {
        // 200,000 requests × 1,000 output tokens = 2e8 tokens, over the 1e8 a run steps through.
        var e = Assert.Throws<InputException>(() => EstimateWorkflow.Run(Read(", requests: 200000"), CatalogStore.Default));
        Assert.StartsWith("inference.requests: 200,000 requests × 1,000 output tokens", e.Message);
        Assert.DoesNotContain("simulation", e.Message);
        // A sweep ranks by the steady state and does not serve the burst.
        Assert.Null(((InferenceEstimateOutcome)EstimateWorkflow.Run(Read(", requests: 200000"), CatalogStore.Default, burst: false)).Burst);
    }

    [Theory]
    [InlineData(", requests: 0")]
    [InlineData(", requests: 2000000")]
    [InlineData(", requests: many")]
    public void A_bad_request_count_is_refused_in_one_line(string extra)
    {
        var e = Assert.Throws<InputException>(() => Read(extra));
        Assert.Contains("requests", e.Message);
        Assert.DoesNotContain("\n", e.Message);
    }
}
