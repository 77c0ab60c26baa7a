using Augur.CostModels.Inference;
using Augur.CostModels.Validation;
using Augur.Domain.Workloads;
using Augur.Simulation.Serving;

namespace Augur.Tests.Inference;

/// <summary>Requests of varied length (inference.input_tokens_cv / output_tokens_cv) in the estimator and the simulator.</summary>
public class LengthDispersionTests
{
    const string Llama8b = "workload: inference\nmodel: llama3.1-8b\nhardware: h100-sxm\ncluster: {gpus: 1}\nprecision: fp8\n";

    static (Scenario S, InferenceModel Model, InferenceLayout Layout, InferenceEstimate Estimate) Load(string yaml) =>
        Scenarios.Serving(Llama8b + yaml);

    [Fact]
    public void Log_normal_lengths_have_the_asked_mean_and_spread()
    {
        // σ² = ln 2, μ = ln 1000 − ln 2 / 2; 200,000 draws from one seed.
        var lengths = TokenLengths.LogNormal(1000, 1.0, 1_000_000);
        var random = new Random(11);
        var draws = Enumerable.Range(0, 200_000).Select(_ => (double)lengths.Sample(random)).ToArray();
        double mean = draws.Average(), sd = Math.Sqrt(draws.Average(x => (x - mean) * (x - mean)));
        Assert.InRange(mean, 990, 1010);
        Assert.InRange(sd / mean, 0.96, 1.04);
        Assert.Equal(TokenLengths.Fixed(1000), TokenLengths.LogNormal(1000, 0, 5000));
        Assert.InRange(Enumerable.Range(0, 1000).Max(_ => TokenLengths.LogNormal(1000, 3, 4000).Sample(random)), 1, 4000);
    }

    [Fact]
    public void Varied_outputs_hold_their_slots_longer_and_raise_the_average_context()
    {
        // 64 slots of 1,000-token prompts and outputs averaging 1,000 tokens: fixed outputs sit at 1000 + 1000/2 = 1,500
        // tokens on average; with cv = 1 a sequence holds its slot in proportion to its length, E[o²]/(2E[o]) =
        // (1 + 1)·1000/2, so 2,000 tokens: the decode step reads 4/3 the KV cache.
        var fixedLengths = Load("inference: {input_tokens: 1000, output_tokens: 1000, concurrency: 64, kv_precision: fp8}\n").Estimate;
        var varied = Load("inference: {input_tokens: 1000, output_tokens: 1000, output_tokens_cv: 1, concurrency: 64, kv_precision: fp8}\n").Estimate;
        Assert.Equal(4.0 / 3, varied.DecodeStep.KvBytes.Value / fixedLengths.DecodeStep.KvBytes.Value, 9);
        Assert.Equal(fixedLengths.DecodeStep.WeightBytes.Value, varied.DecodeStep.WeightBytes.Value);
    }

    [Fact]
    public void Varied_prompts_weight_long_ones_by_their_tokens_in_prefill_attention()
    {
        // Llama 3.1 8B at tp1: a query-key pair costs 2·32 heads·(128 + 128) = 16,384 FLOPs per layer, 32 layers. A
        // 1,000-token prompt's tokens attend 500.5 keys on average; with prompt lengths of cv = 1 the token-weighted mean
        // is E[L²]/E[L] = 2·E[L] times the same fraction: 500 more keys per token, nothing else changes.
        var (_, fixedModel, l, _) = Load("inference: {input_tokens: 1000, output_tokens: 100, kv_precision: fp8}\n");
        var (_, variedModel, _, _) = Load("inference: {input_tokens: 1000, input_tokens_cv: 1, output_tokens: 100, kv_precision: fp8}\n");
        var a = fixedModel.PrefillIteration(l, out double prompts);
        var b = variedModel.PrefillIteration(l, out double same);
        Assert.Equal(prompts, same);
        double tokens = prompts * 1000;
        Assert.Equal(tokens * 32 * 16384 * 500, b.HardwareFlops.Value - a.HardwareFlops.Value, 1e-6 * a.HardwareFlops.Value);
    }

    [Fact]
    public void The_spread_enters_squared_on_the_cached_prefix_too()
    {
        // cv = 2 (so 1 + cv² = 5, not 1 + cv = 3) with half of each 1,000-token prompt cached: an uncached token attends
        // 500 cached + 250 of its own keys (+ ½); varied prompts weight that by 5, so 4·750 = 3,000 more keys each.
        var (_, fixedModel, l, _) = Load("inference: {input_tokens: 1000, output_tokens: 100, prefix_hit_rate: 0.5, kv_precision: fp8}\n");
        var (_, variedModel, _, _) = Load("inference: {input_tokens: 1000, input_tokens_cv: 2, output_tokens: 100, prefix_hit_rate: 0.5, kv_precision: fp8}\n");
        var a = fixedModel.PrefillIteration(l, out double prompts);
        var b = variedModel.PrefillIteration(l, out _);
        Assert.Equal(prompts * 500 * 32 * 16384 * 3000, b.HardwareFlops.Value - a.HardwareFlops.Value, 1e-6 * a.HardwareFlops.Value);
    }

    [Fact]
    public void Varied_outputs_reserve_more_of_the_cache_per_running_sequence()
    {
        // Running sequences are the long ones more often: with outputs of cv = 2 their mean final length is
        // 1000 + (1 + 4)·1000 = 6,000 tokens against 2,000, so a third as many fit; the decode context is
        // 1000 + 5·1000/2 = 3,500 against 1,500.
        var fixedLengths = Load("inference: {input_tokens: 1000, output_tokens: 1000, kv_precision: fp8}\n");
        var varied = Load("inference: {input_tokens: 1000, output_tokens: 1000, output_tokens_cv: 2, kv_precision: fp8}\n");
        long capacity = fixedLengths.Model.KvCapacityTokens(fixedLengths.Layout);
        Assert.Equal(capacity / 2000, fixedLengths.Model.MaxConcurrency(fixedLengths.Layout));
        Assert.Equal(capacity / 6000, varied.Model.MaxConcurrency(varied.Layout));
        Assert.True(varied.Estimate.Concurrency <= capacity / 6000);
        var step = fixedLengths.Model.DecodeStep(fixedLengths.Layout, 64, 1500);
        Assert.Equal(7.0 / 3, Load("inference: {input_tokens: 1000, output_tokens: 1000, output_tokens_cv: 2, concurrency: 64, kv_precision: fp8}\n").Estimate.DecodeStep.KvBytes.Value / step.KvBytes.Value, 9);
    }

    [Fact]
    public void A_spread_the_cache_cannot_hold_is_refused_and_one_it_can_is_capped()
    {
        // Llama 3.1 70B FP8 at tp2 with 44 GB of HBM (51.2% of 80 GiB): a sequence may hold about 17K tokens. Outputs averaging 2,000 with
        // cv = 4 put about 2% of draws past the ~15K left beside a 2,000-token prompt: refused. With cv = 1 on both
        // sides every generated request fits and the simulation runs.
        const string Head70 = "workload: inference\nmodel: llama3.1-70b\nhardware: h100-sxm\ncluster: {gpus: 2}\nprecision: fp8\nparallelism: {tp: 2}\n";
        var wide = Scenarios.Serving(Head70 + "inference: {input_tokens: 2000, output_tokens: 2000, output_tokens_cv: 4, memory_fraction: 0.512, kv_precision: fp8}\nsimulation: {requests: 50}\n");
        var e = Assert.Throws<Augur.Domain.InputException>(() => ScenarioSimulation.Build(wide.Model, wide.Layout, wide.Estimate, wide.S.Simulation!, null));
        Assert.StartsWith("inference.output_tokens_cv: 4 puts", e.Message);
        var chat = Scenarios.Serving(Head70 + "inference: {input_tokens: 2000, output_tokens: 400, output_tokens_cv: 1, input_tokens_cv: 1, memory_fraction: 0.512, kv_precision: fp8}\nsimulation: {requests: 300, seed: 3}\n");
        var setup = ScenarioSimulation.Build(chat.Model, chat.Layout, chat.Estimate, chat.S.Simulation!, null);
        long fits = chat.Model.KvCapacityTokensPerAttentionGroup(chat.Layout);
        Assert.All(setup.Requests, r => Assert.True(r.InputTokens + r.OutputTokens - 1 <= fits));
        Assert.Equal(300, Served.Run(setup.Deployment, setup.Requests, setup.Options).Requests.Count);
    }

    [Fact]
    public void Draws_held_at_the_cap_still_simulate_with_data_parallel_attention()
    {
        // DeepSeek-V3 on 8 GB200s with 8 attention groups, outputs averaging 10,000 tokens at cv 2: under 1% of draws
        // reach the cap (a group's KV share less the prompt, plus the last token whose KV is never written). Those
        // requests are exactly as long as a sequence may be; simulate must run them, not call them too long.
        const string Yaml = "workload: inference\nmodel: deepseek-v3\nhardware: gb200-nvl72\ncluster: {gpus: 8}\nprecision: fp8\n" +
            "parallelism: {tp: 1, ep: 8, dp_attention: 8}\ninference: {input_tokens: 2000, output_tokens: 10000, output_tokens_cv: 2, kv_precision: fp8, memory_fraction: 0.562}\n" +
            "simulation: {requests: 600, seed: 1}\n";
        var (s, m, l, e) = Scenarios.Serving(Yaml);
        var setup = ScenarioSimulation.Build(m, l, e, s.Simulation!, null);
        long group = m.KvCapacityTokensPerAttentionGroup(l);
        Assert.Contains(setup.Requests, r => r.InputTokens + r.OutputTokens - 1 == group);
        var (code, _, err) = Augur.Tests.Cli.CliTests.Run("simulate", Augur.Tests.Cli.CliTests.Temp(Yaml));
        Assert.True(code == 0, err);
    }

    [Fact]
    public void A_varied_side_leaves_room_for_the_longest_draw_of_a_spread_on_the_other()
    {
        // Llama 3.1 8B with 16 GB of an H100's memory (18.627% of 80 GiB; KV for two 8K sequences): prompts of cv 0.5 around 5,000 and
        // outputs uniform on 3,000 ± 90%. The prompt's cap leaves room for the longest output (5,700), not the mean one;
        // otherwise a long prompt meeting a long output would not fit one sequence's share of the cache.
        var (s, m, l, e) = Scenarios.Serving(Llama8b + "inference: {input_tokens: 5000, output_tokens: 3000, input_tokens_cv: 0.5, kv_precision: fp8, memory_fraction: 0.18627}\n" +
            "simulation: {requests: 2000, output_spread: 0.9, seed: 2}\n");
        var setup = ScenarioSimulation.Build(m, l, e, s.Simulation!, null);
        long group = m.KvCapacityTokensPerAttentionGroup(l);
        Assert.InRange(group, 18000, 27000);
        Assert.Contains(setup.Requests, r => r.InputTokens > group - 5700 - 3000);
        Assert.All(setup.Requests, r => Assert.True(r.InputTokens + r.OutputTokens - 1 <= group, $"{r.InputTokens} + {r.OutputTokens}"));
    }

    [Theory]
    [InlineData(64)]
    [InlineData(128)]
    public void A_saturated_replica_with_log_normal_lengths_serves_at_the_estimate(int batch)
    {
        // Lengths of cv = 1 on both sides (chat-like traffic), offered far more than the replica serves with at most
        // `batch` sequences admitted. The estimate that knows the spread matches the simulation; the fixed-length
        // estimate of the same means is further off (the last check tells them apart).
        string inference = $"inference: {{input_tokens: 1000, output_tokens: 300, concurrency: {batch}, kv_precision: fp8, input_tokens_cv: 1, output_tokens_cv: 1}}\n";
        var (s, m, l, e) = Load(inference + $"simulation: {{requests: 12000, rate_per_s: 400, max_batch: {batch}, seed: 5}}\n");
        var setup = ScenarioSimulation.Build(m, l, e, s.Simulation!, null);
        var r = Served.Run(setup.Deployment, setup.Requests, setup.Options);
        var plain = Load(inference.Replace(", input_tokens_cv: 1, output_tokens_cv: 1", "", StringComparison.Ordinal)).Estimate;
        // Measured (12,000 requests, seed 5): throughput 1.4-1.7% below the estimate (filling and draining the batch),
        // median TPOT within 0.3%; the fixed-length estimate is 3.7-4.7% and 2-3% off.
        Assert.InRange(r.OutputThroughput.PerSecond / e.OutputTokensPerSecondTotal, 0.97, 1.01);
        double tpot = r.TimePerOutputToken.P50.Value;
        Assert.InRange(e.Tpot.Value / tpot, 0.99, 1.01);
        Assert.True(Math.Abs(plain.Tpot.Value / tpot - 1) > 0.015, $"fixed-length TPOT {plain.Tpot.Value} vs simulated {tpot}");
    }
}
