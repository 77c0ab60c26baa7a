using Augur.CostModels.Inference;
using Augur.CostModels.Validation;
using Augur.Domain.Workloads;
using Augur.Simulation.Serving;
using Augur.Units;

namespace Augur.Tests.Simulation;

/// <summary>
/// A scenario simulated through the REAL <see cref="InferenceCostAdapter"/> must reproduce the steady-state
/// estimator where both describe the same thing: an idle server, and a constant full batch.
/// </summary>
public class ScenarioSimulationTests
{
    const string Head = "workload: inference\nmodel: llama3.1-70b\nhardware: h100-sxm\ncluster: {gpus: 8}\nprecision: fp8\nparallelism: {tp: 8}\n";

    static (Scenario S, InferenceModel Model, InferenceLayout Layout, InferenceEstimate Estimate) Load(string yaml, string head = Head) =>
        Scenarios.Serving(head + yaml);

    static double Rel(double actual, double expected) => Math.Abs(actual / expected - 1);

    [Fact]
    public void One_request_at_a_time_is_prefill_alone_then_batch_one_decode()
    {
        var (s, m, l, e) = Load("inference: {input_tokens: 2000, output_tokens: 200, concurrency: 1}\nsimulation: {requests: 6, rate_per_s: 0.001, seed: 3}\n");
        var setup = ScenarioSimulation.Build(m, l, e, s.Simulation!, null);
        var r = Served.Run(setup.Deployment, setup.Requests, setup.Options);
        Assert.Equal(1, setup.PrefillReplicas);
        // Precondition: every request finds the server idle (mean gap 1000 s, each request takes ~3 s).
        for (int i = 1; i < r.Requests.Count; i++) Assert.True(r.Requests[i].Arrival > r.Requests[i - 1].Finish);

        // The whole 2000-token prompt is one chunk attending 2000·2001/2 tokens: exactly PrefillAlone, whose last
        // position yields the first token, in the simulator and in the estimator alike.
        double alone = m.PrefillAlone(l).Total.Value;
        Assert.Equal(alone, e.Ttft.Value, 12);
        foreach (var q in r.Requests) Assert.True(Rel(q.TimeToFirstToken.Value, alone) < 1e-9);

        // 199 decode steps at contexts 2001..2199, mean 2100 = input + output/2, the estimator's average context.
        // The step is affine in the context (KV bytes read and attention FLOPs both grow linearly with it, and which
        // one binds does not change over 2001..2199), so the mean of the steps is the step at the mean context.
        double exact = Enumerable.Range(1, 199).Average(k => m.DecodeStep(l, 1, 2000 + k).Total.Value);
        foreach (var q in r.Requests)
        {
            Assert.True(Rel(q.TimePerOutputToken!.Value.Value, exact) < 1e-9);
            Assert.True(Rel(q.TimePerOutputToken!.Value.Value, e.Tpot.Value) < 1e-9);
        }
    }

    [Fact]
    public void A_constant_full_batch_decodes_at_the_estimator_step()
    {
        // 256 requests of 16 prompt tokens arrive together: one 4096-token iteration prefills them all, then 511
        // pure decode steps at batch 256 with contexts 17..527 (mean 272 = 16 + 512/2, the estimator's c̄).
        var (s, m, l, e) = Load("inference: {input_tokens: 16, output_tokens: 512, concurrency: 256}\nsimulation: {max_batch: 256, chunk_tokens: 4096}\n");
        var burst = RequestGenerator.Burst(256, 16, 512);
        var setup = ScenarioSimulation.Build(m, l, e, s.Simulation! with { Arrival = ArrivalKind.Trace }, burst);
        var r = Served.Run(setup.Deployment, setup.Requests, setup.Options);
        Assert.Equal(0, r.Preemptions);
        Assert.Equal(1 + 511, r.Iterations);

        double prefill = m.Iteration(l, 4096, 256 * (16 * 17 / 2.0), 0, 0, 256).Total.Value;
        double exact = Enumerable.Range(1, 511).Average(k => m.DecodeStep(l, 256, 16 + k).Total.Value);
        foreach (var q in r.Requests)
        {
            Assert.True(Rel(q.TimeToFirstToken.Value, prefill) < 1e-9);
            Assert.True(Rel(q.TimePerOutputToken!.Value.Value, exact) < 1e-9);
            // Against the estimator's single step at c̄ = 272: the step is affine in the context over 17..527, so the
            // only residual is floating-point rounding (measured 4e-16).
            Assert.True(Rel(q.TimePerOutputToken!.Value.Value, e.DecodeStep.Total.Value) < 1e-9);
        }
    }

    [Fact]
    public void Defaults_come_from_the_estimate()
    {
        var (s, m, l, e) = Load("inference: {input_tokens: 2000, output_tokens: 400}\n");
        var setup = ScenarioSimulation.Build(m, l, e, new SimulationSpec(), null);
        Assert.Equal(e.Concurrency, setup.Options.MaxBatchSequences);
        Assert.Equal(8192, setup.Options.ChunkTokenBudget);
        Assert.Equal(0.9 * e.OutputTokensPerSecondTotal / 400, setup.RatePerSecond!.Value, 12);
        Assert.Equal(1000, setup.Requests.Count);
        Assert.Equal((8, 1, 0), (setup.Gpus, setup.PrefillReplicas, setup.DecodeReplicas));
        Assert.Equal(ServiceLevelObjective.None, setup.Options.Slo);
    }

    [Fact]
    public void Disaggregated_pools_follow_the_gpu_split()
    {
        var (_, m, l, e) = Load("inference: {input_tokens: 2000, output_tokens: 400, mode: disaggregated, prefill_gpus: 4, decode_gpus: 12, ttft_ms: 500, tpot_ms: 40}\n",
            "workload: inference\nmodel: llama3.1-70b\nhardware: h100-sxm\ncluster: {gpus: 16}\nprecision: fp8\nparallelism: {tp: 4}\n");
        var setup = ScenarioSimulation.Build(m, l, e, new SimulationSpec(), null);
        Assert.Equal((1, 3, 16), (setup.PrefillReplicas, setup.DecodeReplicas, setup.Gpus));
        Assert.Equal(ServingMode.Disaggregated, setup.Deployment.Mode);
        Assert.Equal(new ServiceLevelObjective(new(0.5), new(0.04)), setup.Options.Slo);
    }

    [Fact]
    public void A_pool_that_is_not_whole_replicas_is_rejected()
    {
        var (_, m, l, e) = Load("inference: {input_tokens: 2000, output_tokens: 400, mode: disaggregated, prefill_gpus: 6, decode_gpus: 10}\n",
            "workload: inference\nmodel: llama3.1-70b\nhardware: h100-sxm\ncluster: {gpus: 16}\nprecision: fp8\nparallelism: {tp: 4}\n");
        var ex = Assert.Throws<Augur.Domain.InputException>(() => ScenarioSimulation.Build(m, l, e, new SimulationSpec(), null));
        Assert.Equal("inference.prefill_gpus: 6 is not a multiple of the 4 GPUs of one replica", ex.Message);
    }

    [Fact]
    public void Spread_lengths_are_centred_on_the_job()
    {
        Assert.Equal(new TokenLengths(1500, 2500), ScenarioSimulation.Lengths(2000, 0.25));
        Assert.Equal(TokenLengths.Fixed(400), ScenarioSimulation.Lengths(400, 0));
        Assert.Equal(new TokenLengths(1, 2), ScenarioSimulation.Lengths(1, 0.9));
    }

    [Fact]
    public void Speculative_decoding_yields_the_expected_tokens_per_step()
    {
        // γ = 3 drafts at α = 0.8: (1 − 0.8⁴) / 0.2 = 2.952 tokens per verification step on average. One request
        // at a time with 3,000 output tokens: about 1,000 steps, so the sample mean is within ~2% of 2.952 and the
        // simulated TPOT within a few % of the estimator's step / 2.952 (the step barely changes with batch 1's context).
        var (s, m, l, e) = Load("inference: {input_tokens: 500, output_tokens: 3000, concurrency: 1, draft_tokens: 3, acceptance: 0.8}\nsimulation: {requests: 3, rate_per_s: 0.0001, seed: 7}\n");
        var setup = ScenarioSimulation.Build(m, l, e, s.Simulation!, null);
        var r = Served.Run(setup.Deployment, setup.Requests, setup.Options);
        double expected = e.DecodeStep.Total.Value / 2.952;
        Assert.Equal(expected, e.Tpot.Value, 12);
        foreach (var q in r.Requests)
            Assert.InRange(q.TimePerOutputToken!.Value.Value / expected, 0.95, 1.05);
        // Without drafts each step yields exactly one token: the same scenario is about 2.95x slower per token.
        var (s0, m0, l0, e0) = Load("inference: {input_tokens: 500, output_tokens: 3000, concurrency: 1}\nsimulation: {requests: 3, rate_per_s: 0.0001, seed: 7}\n");
        var b = ScenarioSimulation.Build(m0, l0, e0, s0.Simulation!, null);
        var plain = Served.Run(b.Deployment, b.Requests, b.Options);
        Assert.InRange(plain.Requests[0].TimePerOutputToken!.Value.Value / r.Requests[0].TimePerOutputToken!.Value.Value, 2.0, 3.2);
    }

    [Fact]
    public void Prefix_cache_hits_skip_their_prefill_in_the_simulator_as_in_the_estimator()
    {
        // Half of a 2,000-token prompt is cached: 1,000 tokens are prefilled, each attending the 1,000 cached
        // ones plus the causal part of its own chunk, exactly the estimator's PrefillAlone.
        var (s, m, l, e) = Load("inference: {input_tokens: 2000, output_tokens: 50, concurrency: 1, prefix_hit_rate: 0.5}\nsimulation: {requests: 3, rate_per_s: 0.001}\n");
        var setup = ScenarioSimulation.Build(m, l, e, s.Simulation!, null);
        var r = Served.Run(setup.Deployment, setup.Requests, setup.Options);
        double alone = m.PrefillAlone(l).Total.Value;
        Assert.Equal(1000, m.UncachedPromptTokens);
        foreach (var q in r.Requests) Assert.True(Rel(q.TimeToFirstToken.Value, alone) < 1e-9);
        var (_, m0, l0, _) = Load("inference: {input_tokens: 2000, output_tokens: 50, concurrency: 1}\n");
        Assert.InRange(m0.PrefillAlone(l0).Total.Value / alone, 1.5, 2.0); // half the tokens, more context each, fixed per-pass costs
    }

    [Theory]
    [InlineData("workload: inference\nmodel: deepseek-v3\nhardware: h800\ncluster: {gpus: 32}\nprecision: fp8\nparallelism: {tp: 1, ep: 32, dp_attention: 32}\n")]
    [InlineData("workload: inference\nmodel: llama3.1-70b\nhardware: h100-sxm\ncluster: {gpus: 8}\nprecision: fp8\nparallelism: {tp: 1, pp: 8}\n")]
    public void A_lone_prompt_runs_on_one_attention_group_through_every_stage(string head)
    {
        // Data-parallel attention and pipeline micro-batches spread MANY prompts; one prompt cannot be split, so on an
        // idle server its first token takes the estimator's PrefillAlone, not 1/32 or 1/8 of it.
        var (s, m, l, e) = Load("inference: {input_tokens: 2000, output_tokens: 20, concurrency: 1}\nsimulation: {requests: 3, rate_per_s: 0.001}\n", head);
        var setup = ScenarioSimulation.Build(m, l, e, s.Simulation!, null);
        var r = Served.Run(setup.Deployment, setup.Requests, setup.Options);
        double alone = m.PrefillAlone(l).Total.Value;
        Assert.Equal(alone, m.Iteration(l, 2000, 2000 * 2001 / 2.0, 0, 0, 1).Total.Value, 12);
        foreach (var q in r.Requests) Assert.True(Rel(q.TimeToFirstToken.Value, alone) < 1e-9);
        // Many prompts do spread: a steady-state prefill iteration of 4 prompts per slot costs far less than its prompt count times one alone.
        var it = m.PrefillIteration(l, out double prompts);
        Assert.True(it.Total.Value < 0.25 * prompts * alone);
    }

    [Fact]
    public void Disaggregated_ttft_is_prefill_plus_kv_transfer_in_both_models()
    {
        // One tp4 prefill replica and one tp4 decode replica on one 8-GPU server: the KV moves over NVLink.
        var (s, m, l, e) = Load("inference: {input_tokens: 4000, output_tokens: 50, concurrency: 1, mode: disaggregated, prefix_hit_rate: 0.5}\nsimulation: {requests: 3, rate_per_s: 0.001}\n",
            "workload: inference\nmodel: llama3.1-70b\nhardware: h100-sxm\ncluster: {gpus: 8}\nprecision: fp8\nparallelism: {tp: 4}\n");
        var setup = ScenarioSimulation.Build(m, l, e, s.Simulation!, null);
        var r = Served.Run(setup.Deployment, setup.Requests, setup.Options);
        // The decode replica needs the KV of the whole 4,000-token prompt, cached prefix included.
        double transfer = m.KvTransferSeconds(l, 4000, 8);
        Assert.Equal(m.PrefillAlone(l).Total.Value + transfer, e.Ttft.Value, 12);
        Assert.Equal(transfer, e.Disaggregated!.KvTransfer.Value, 12);
        foreach (var q in r.Requests) Assert.True(Rel(q.TimeToFirstToken.Value, e.Ttft.Value) < 1e-9);
    }

    [Theory]
    [InlineData("model: llama3.1-8b\nhardware: h100-sxm\ncluster: {gpus: 1}\nprecision: fp8\n", 64)]
    [InlineData("model: llama3.1-70b\nhardware: h100-sxm\ncluster: {gpus: 4}\nprecision: fp8\nparallelism: {tp: 2, pp: 2}\n", 128)]
    [InlineData("model: qwen3-30b-a3b\nhardware: h100-sxm\ncluster: {gpus: 4}\nprecision: fp8\nparallelism: {tp: 1, ep: 4, dp_attention: 4}\n", 128)]
    public void A_saturated_replica_serves_at_the_steady_state_rate_and_tpot(string head, int batch)
    {
        // Offered far more than the replica serves, with at most `batch` sequences admitted and lengths spread ±50%:
        // the replica runs a full batch and refills it as sequences finish — the steady state the estimator
        // describes (B·o / ((o−1)·step + B·stall), a stall being what a prompt adds to a decode iteration, with
        // λ = B/(o−1) prompts per step arriving like a Poisson stream). Holds for one slot, pipeline stages and data-
        // parallel attention, where one prompt on one slot holds up the rest. Measured: TPOT within 3%, throughput
        // 3–5% below the estimate (the simulated makespan includes filling and draining the batch).
        var (s, m, l, e) = Load($"inference: {{input_tokens: 1000, output_tokens: 200, concurrency: {batch}, kv_precision: fp8}}\n"
                                + $"simulation: {{requests: 2000, rate_per_s: 300, max_batch: {batch}, input_spread: 0.5, output_spread: 0.5}}\n",
            "workload: inference\n" + head);
        var setup = ScenarioSimulation.Build(m, l, e, s.Simulation!, null);
        var r = Served.Run(setup.Deployment, setup.Requests, setup.Options);
        Assert.InRange(r.OutputThroughput.PerSecond / e.OutputTokensPerSecondTotal, 0.93, 1.01);
        Assert.InRange(r.TimePerOutputToken.P50.Value / e.Tpot.Value, 0.96, 1.04);
        // Without the stalls the estimator's TPOT would be the bare decode step: the check above can tell.
        Assert.True(e.DecodeStep.Total.Value < 0.92 * e.Tpot.Value);
    }

    [Fact]
    public void A_saturated_disaggregated_deployment_serves_at_the_slower_pools_rate()
    {
        // One prefill GPU feeding three decode GPUs (Llama 3.1 8B, tp1) under 300 req/s: the prefill pool limits
        // (balanced would be 0.6 prefill per decode GPU), so both models serve the prefill pool's rate. Measured -2%.
        var (s, m, l, e) = Load("inference: {input_tokens: 1000, output_tokens: 200, concurrency: 64, kv_precision: fp8, mode: disaggregated, prefill_gpus: 1, decode_gpus: 3}\n"
                                + "simulation: {requests: 2000, rate_per_s: 300, max_batch: 64}\n",
            "workload: inference\nmodel: llama3.1-8b\nhardware: h100-sxm\ncluster: {gpus: 4}\nprecision: fp8\nparallelism: {tp: 1}\n");
        Assert.Equal("prefill", e.Disaggregated!.Limiter);
        var setup = ScenarioSimulation.Build(m, l, e, s.Simulation!, null);
        var r = Served.Run(setup.Deployment, setup.Requests, setup.Options);
        Assert.InRange(r.OutputThroughput.PerSecond / e.OutputTokensPerSecondTotal, 0.95, 1.03);
    }

    [Fact]
    public void A_sequence_longer_than_one_attention_groups_cache_is_refused_by_the_engine()
    {
        // DeepSeek-V3 with 32 attention groups: the replica's cache is 32 groups' worth, but a sequence lives in one.
        var (s, m, l, e) = Load("inference: {input_tokens: 2000, output_tokens: 20, concurrency: 1}\n",
            "workload: inference\nmodel: deepseek-v3\nhardware: h800\ncluster: {gpus: 32}\nprecision: fp8\nparallelism: {tp: 1, ep: 32, dp_attention: 32}\n");
        long group = m.KvCapacityTokensPerAttentionGroup(l);
        Assert.Equal(32 * group, m.KvCapacityTokens(l));
        var setup = ScenarioSimulation.Build(m, l, e, s.Simulation ?? new SimulationSpec(), null);
        var tooLong = new[] { new Request(0, Seconds.Zero, (int)group, 100) };
        var ex = Assert.Throws<ArgumentException>(() => Served.Run(setup.Deployment, tooLong, setup.Options));
        Assert.Contains("one attention group's share", ex.Message);
        var fits = new[] { new Request(0, Seconds.Zero, (int)group - 200, 100) };
        Assert.Single(Served.Run(setup.Deployment, fits, setup.Options).Requests);
    }
}
