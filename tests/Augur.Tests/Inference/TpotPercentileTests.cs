using Augur.CostModels.Inference;
using Augur.Simulation.Serving;
using Augur.Tests.Cli;
using Augur.Tests.Hardening;
using Augur.Tests.Simulation;
using Augur.Units;

namespace Augur.Tests.Inference;

/// <summary>
/// The percentile of the per-request TPOT (<see cref="TpotSpread"/>): against the Poisson count worked by hand, its
/// degenerate cases, the request-level simulator under Poisson arrivals, and the scenario key's bad values.
/// </summary>
public class TpotPercentileTests
{
    /// <summary>An iteration time that draws no extra arrivals: the count over a life is exactly Poisson.</summary>
    const double Free = double.PositiveInfinity;

    [Fact]
    public void Interruptions_of_a_fixed_length_request_follow_the_poisson_count()
    {
        // 101 output tokens: 100 after the first, one a step, so a request lives 100 decode iterations. Prompts arrive
        // 0.04 per iteration: N ~ Poisson(4) of them stall it 10 ms each, nothing else varies.
        // P(N ≤ k) = e^−4 Σ 4^i/i!: k = 8 → 0.97864, k = 9 → 0.99187, so the 99th percentile of N is 9, five over the mean,
        // and the 99th-percentile TPOT is 5 × 10 ms / 100 tokens = 0.5 ms over the mean. The closed form reads the count
        // as a continuous (gamma) variable of the same cumulants, whose distribution at k + ½ stands for P(N ≤ k)
        // (continuity correction): its 0.99 point lies within half an interruption (0.05 ms a token) of the count's.
        double excess = TpotSpread.Excess(0.04, Free, 0.010, 0, 101, 0, 1, 99);
        Assert.InRange(excess, 0.00045, 0.00055);
        // Poisson(100) (λ = 1 per iteration): P(N ≤ 123) = 0.98876 < 0.99 ≤ P(N ≤ 124) = 0.99123, 24 over the mean:
        // 2.4 ms a token at 10 ms a stall, within half an interruption.
        Assert.InRange(TpotSpread.Excess(1, Free, 0.010, 0, 101, 0, 1, 99), 0.00235, 0.00245);
    }

    [Fact]
    public void Without_arrivals_or_a_cost_per_arrival_the_percentile_is_the_mean()
    {
        Assert.Equal(0, TpotSpread.Excess(0, Free, 0.010, 1e-4, 101, 0, 1, 99));
        Assert.Equal(0, TpotSpread.Excess(0.5, Free, 0, 0, 101, 1.0, 1, 99));
        // One output token has no TPOT.
        Assert.Equal(0, TpotSpread.Excess(0.5, Free, 0.010, 1e-4, 1, 0, 1, 99));
    }

    [Fact]
    public void The_median_of_a_right_skewed_spread_sits_under_the_mean_and_the_tail_over_it()
    {
        // Poisson(4): median 4 = mean, but the gamma's median is under its mean; p99 over it.
        Assert.True(TpotSpread.Excess(0.04, Free, 0.010, 0, 101, 0, 1, 50) < 0);
        Assert.True(TpotSpread.Excess(0.04, Free, 0.010, 0, 101, 0, 1, 90) < TpotSpread.Excess(0.04, Free, 0.010, 0, 101, 0, 1, 99));
        // Varied outputs: short requests see few arrivals, their share varies more, the tail is longer.
        Assert.True(TpotSpread.Excess(0.04, Free, 0.010, 0, 101, 1.0, 1, 99) > TpotSpread.Excess(0.04, Free, 0.010, 0, 101, 0, 1, 99));
    }

    /// <summary>
    /// Poisson arrivals into one replica of the linear test model: a decode step of 10 ms + 0.1 ms per sequence, a
    /// 200-token prompt's prefill adds 5 ms to its iteration. The closed form is given what the simulation's own mean
    /// implies (λ = rate × mean TPOT arrivals per iteration, one iteration per token); its p99 − mean against the
    /// simulated one within 15% (the closed form holds the iteration time fixed while the arrivals count and the
    /// batch vary, and the simulation's p99 is itself a sample of 20,000 requests).
    /// </summary>
    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    public void The_closed_form_spread_matches_the_simulator(double outputCv)
    {
        const double rate = 40, stall = 200 * 2.5e-5, slope = 1e-4;
        var model = new FakeServingCostModel { Fixed = 0.010, PerDecodeSequence = slope, PerPrefillToken = 2.5e-5, KvCapacityTokens = 100_000_000 };
        var requests = RequestGenerator.Generate(new PoissonArrivals(rate), TokenLengths.Fixed(200), TokenLengths.LogNormal(101, outputCv, 5000), 20_000, new Random(7));
        var options = new SchedulerOptions { MaxBatchSequences = 100_000, ChunkTokenBudget = 10_000_000 };
        var tpot = ServingSimulation.Run(ServingDeployment.Aggregated(1, model), requests, options).TimePerOutputToken;

        double simulated = tpot.P99.Value - tpot.Mean.Value;
        double closed = TpotSpread.Excess(rate * tpot.Mean.Value, tpot.Mean.Value, stall, slope, 101, outputCv, 1, 99);
        Assert.True(simulated > 0);
        Assert.True(closed / simulated is > 0.85 and < 1.15, $"closed form {closed:R} s, simulated {simulated:R} s");
    }

    [Fact]
    public void A_percentile_bound_holds_the_batch_to_what_its_tail_allows()
    {
        const string Scenario = "workload: inference\nmodel: llama3.1-8b\nhardware: h100-sxm\ncluster: {gpus: 1}\nprecision: fp8\n"
            + "inference: {input_tokens: 1000, output_tokens: 200, output_tokens_cv: 1, kv_precision: fp8, tpot_ms: 20";
        var mean = Scenarios.Serving(Scenario + "}\n").Estimate;
        var (scenario, model, layout, p99) = Scenarios.Serving(Scenario + ", slo_percentile: 99}\n");
        // The mean bound leaves the tail over the limit; the p99 bound takes a smaller batch whose tail meets it,
        // and its mean sits under the mean-bounded one's.
        Assert.Null(mean.TpotAtPercentile);
        Assert.True(p99.Concurrency < mean.Concurrency, $"{p99.Concurrency} vs {mean.Concurrency}");
        Assert.True(p99.TpotAtPercentile!.Value.Value <= 0.020);
        Assert.True(p99.Tpot.Value < p99.TpotAtPercentile.Value.Value && p99.Tpot.Value < mean.Tpot.Value);
        Assert.Equal(p99.TpotAtPercentile.Value, p99.BoundedTpot);
        Assert.Equal(model.Estimate(layout, scenario.Run).Concurrency, p99.Concurrency);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("100")]
    [InlineData("-5")]
    [InlineData("150")]
    public void A_percentile_outside_0_to_100_is_refused(string value) =>
        Assert.Contains("inference.slo_percentile: must be between 0 and 100 (exclusive), got " + value,
            BadInputTests.Refused("estimate", CliTests.Temp($"workload: inference\nmodel: llama3.1-8b\nhardware: h100-sxm\ninference: {{input_tokens: 100, output_tokens: 10, tpot_ms: 50, slo_percentile: {value}}}\n")));

    [Fact]
    public void A_percentile_without_a_bound_is_refused() =>
        Assert.Contains("inference.slo_percentile: bounds ttft_ms and tpot_ms, and neither is set",
            BadInputTests.Refused("estimate", CliTests.Temp("workload: inference\nmodel: llama3.1-8b\nhardware: h100-sxm\ninference: {input_tokens: 100, output_tokens: 10, slo_percentile: 99}\n")));

    [Fact]
    public void The_ttft_percentile_waits_out_the_running_iteration_and_the_prompts_beside_it()
    {
        // No arrivals: the wait is uniform over the 40 ms iteration, so p99 = 50 ms + 0.99 × 40 ms = 89.6 ms.
        Assert.Equal(0.0896, TtftSpread.Percentile(0.050, 0.040, 0, 0.010, 99), 12);
        // One prompt an iteration (K ~ Poisson(1)), 10 ms each: P(TTFT ≤ 50 ms + x) = Σ_k P(K = k)·clamp((x − 10k)/40, 0, 1).
        // At x = 60 ms the terms k ≤ 2 are 1 and e^−1·(1 + 1 + 1/2) = 0.919699; k = 3..6 add P(k)·(60 − 10k)/40:
        // 0.061313·0.75 + 0.015328·0.5 + 0.003066·0.25 = 0.054415, so 0.974114. From 60 to 70 ms the sum grows by
        // (P(3) + P(4) + P(5) + P(6))/40 = 0.080218/40 a millisecond (P(7) starts at 70), so 0.99 is reached
        // 0.015886 / 0.0020055 = 7.921 ms later: x = 67.921 ms, TTFT 117.921 ms.
        Assert.Equal(0.117921, TtftSpread.Percentile(0.050, 0.040, 1, 0.010, 99), 6);
    }
}
