using Augur.Catalog.Loading;
using Augur.CostModels.Communication;
using Augur.CostModels.Rl;
using Augur.Domain.Workloads;
using Augur.Search.Rl;
using Augur.Tests.Cli;
using Augur.Workflows.Rl;

namespace Augur.Tests.Rl;

/// <summary>Disaggregated prefill/decode generators and a reward model served on GPUs (issue #13 points 1-3 and 7).</summary>
public class RlGeneratorAndVerifierTests
{
    /// <summary>A GRPO job of Qwen3-32B on H100s: 8 prompts × 16 samples of 1,024 + 2,000 tokens, constant lengths unless given.</summary>
    static string Yaml(string generator, string placement = "disaggregated", int gpus = 32, string trainer = "trainer: {gpus: 8, tp: 8, zero: 3}",
        string verifier = "{kind: rule, cpu_seconds: 0.2, cpu_cores: 512}", string response = "{mean: 2000, max: 2000}", int prompts = 8) =>
        $"workload: rl\nmodel: qwen3-32b\nhardware: h100-sxm\ncluster: {{gpus: {gpus}}}\nprecision: bf16\nrl:\n  algorithm: grpo\n  prompts_per_step: {prompts}\n  samples_per_prompt: 16\n"
        + $"  prompt_tokens: {{mean: 1024, max: 1024}}\n  response_tokens: {response}\n  verifier: {verifier}\n  placement: {placement}\n  generator: {generator}\n  {trainer}\n  steps: 10\n";

    static RlEstimate Estimate(string yaml) => RlWorkflow.Estimate(Scenarios.FromYaml(yaml), CatalogStore.Default).Estimate;

    [Fact]
    public void Disaggregated_generators_are_the_decode_replicas_schedule_after_their_prompts_are_prefilled()
    {
        // 128 samples. Disaggregated: 16 GPUs at tp4 = 4 replicas, 1 prefilling and 3 decoding: n = ⌈128/3⌉ = 43 per
        // decode replica, all in one batch. Aggregated on those 12 decode GPUs alone: the same 3 replicas, n and batch.
        var split = Estimate(Yaml("{gpus: 16, tp: 4, mode: disaggregated, prefill_gpus: 4, decode_gpus: 12}"));
        var alone = Estimate(Yaml("{gpus: 12, tp: 4}"));
        Assert.Equal((1, 43, 43), (split.Generation.PrefillReplicas, split.Generation.Rollout.SamplesPerReplica, split.Generation.Rollout.Batch));
        Assert.Equal((0, 43, 43), (alone.Generation.PrefillReplicas, alone.Generation.Rollout.SamplesPerReplica, alone.Generation.Rollout.Batch));
        // p: one prompt of the serving model's steady prefill iteration (8,192-token chunks: 8 prompts of 1,024).
        var model = alone.Generation.Model;
        double p = model.PrefillIteration(alone.Generation.Layout, out double perIteration).Total.Value / perIteration;
        Assert.Equal(8, perIteration);
        // Aggregated: 43 prompts prefilled, then the drain. Disaggregated: the one prefill replica prefills all 128 (the
        // decode replicas' first batches, 3 × 43 ≥ 128, are every prompt), one prompt's KV crosses to a decode replica,
        // then the same drain. KV per token 64 layers × 8 heads × 128 × (K, V) × 2 bytes = 262,144 B; 1,024 tokens over
        // tp4 = 67,108,864 B per GPU, over scale-out (the 16 GPUs span two 8-GPU domains).
        var scaleOut = new Fabric(model.Cluster with { Gpus = 16 }, CatalogStore.Default.Calibration(model.Cluster.Accelerator)).ScaleOut;
        double transfer = 67_108_864 / scaleOut.BytesPerSecond + scaleOut.LatencySeconds;
        double drain = alone.Generation.Rollout.Makespan - 43 * p;
        Assert.Equal(transfer + drain + 128 * p, split.Generation.Rollout.Makespan, 1e-9 * split.Generation.Rollout.Makespan);
    }

    [Fact]
    public void With_constant_lengths_the_disaggregated_closed_form_and_the_simulator_agree()
    {
        // 16 GPUs at tp2: 1 prefill + 7 decode replicas, ⌈128/7⌉ = 19 samples each, one batch; 2,000 tokens each.
        var s = Scenarios.FromYaml(Yaml("{gpus: 16, tp: 2, mode: disaggregated, prefill_gpus: 2, decode_gpus: 14}"));
        var o = RlWorkflow.Simulate(s, CatalogStore.Default);
        Assert.Equal((1, 19), (o.Estimate.Generation.PrefillReplicas, o.Estimate.Generation.Rollout.Batch));
        double closed = o.Estimate.Generation.Rollout.Makespan, simulated = o.Rollout.Makespan.Value;
        Assert.InRange(simulated / closed, 0.97, 1.03);
        Assert.Equal(o.Estimate.StepTime.Value - closed, o.Simulated.StepTime.Value - simulated, 1e-6 * o.Estimate.StepTime.Value);
    }

    [Fact]
    public void Without_a_split_the_rollout_takes_the_prefill_share_that_finishes_soonest()
    {
        var chosen = Estimate(Yaml("{gpus: 16, tp: 2, mode: disaggregated}"));
        int best = chosen.Generation.PrefillReplicas;
        Assert.InRange(best, 1, 7);
        for (int p = 1; p < 8; p++)
        {
            var e = Estimate(Yaml($"{{gpus: 16, tp: 2, mode: disaggregated, prefill_gpus: {2 * p}, decode_gpus: {16 - 2 * p}}}"));
            Assert.True(chosen.Generation.Rollout.Makespan <= e.Generation.Rollout.Makespan, $"{p} prefill replicas finish sooner");
        }
    }

    [Fact]
    public void Plan_splits_disaggregated_generators_between_prefill_and_decode()
    {
        var s = Scenarios.FromYaml(Yaml("{gpus: 8, tp: 4, mode: disaggregated}", gpus: 16, trainer: "trainer: {gpus: 8, tp: 8}"));
        var plan = RlPlanner.Plan(s.Model, s.Cluster, s.Precision, s.Rl!, CatalogStore.Default.Calibration(s.Cluster.Accelerator), s.Run, s.Objective, 5);
        Assert.NotEmpty(plan.Ranked);
        foreach (var e in plan.Ranked)
        {
            Assert.InRange(e.Generation.PrefillReplicas, 1, e.Generation.Layout.Replicas - 1);
            // The split the plan kept finishes no later than any other of the same pool and layout.
            for (int p = 1; p < e.Generation.Layout.Replicas; p++)
            {
                int g = e.Generation.Layout.GpusPerReplica;
                var other = e.Job.Generator with { PrefillGpus = p * g, DecodeGpus = e.Job.Generator.Gpus - p * g };
                var r = RlGeneration.Of(e.Generation.Model, other, other.Gpus, e.Job, ResponseCurve.Of(e.Job.Response, e.Job.Samples));
                Assert.True(e.Generation.Rollout.Makespan <= r.Rollout.Makespan);
            }
        }
    }

    [Fact]
    public void A_reward_model_on_its_own_gpus_scores_at_the_serving_models_prefill_rate_beside_generation()
    {
        // Llama 3.1 8B on 8 GPUs of its own at tp1: 8 replicas, ⌈8,192 / 8⌉ = 1,024 samples each, every one a prompt of
        // 1,024 + 2,000 = 3,024 tokens.
        var e = Estimate(Yaml("{gpus: 32, tp: 4}", gpus: 72, prompts: 512, trainer: "trainer: {gpus: 32, tp: 8, zero: 3}",
            verifier: "{kind: model, model: llama3.1-8b, gpus: 8}"));
        var rm = e.Generation.Reward!;
        Assert.Equal((1, 8, 8), (rm.Layout.Tp, rm.Layout.Replicas, rm.Gpus));
        // The same model served as an inference job of 3,024-token prompts: its prefill rate per GPU.
        var serving = Scenarios.Serving("workload: inference\nmodel: llama3.1-8b\nhardware: h100-sxm\ncluster: {gpus: 8}\nprecision: bf16\n"
            + "parallelism: {tp: 1}\ninference: {input_tokens: 3024, output_tokens: 1}\n").Estimate;
        Assert.Equal(1024 * 3024 / serving.PrefillInputTokensPerSecondPerGpu, rm.Work.Value, 1e-9 * rm.Work.Value);
        // Scored as samples finish: only the last sample's check is left after generation (it takes longer).
        Assert.True(rm.Work < e.Phases.Generation);
        Assert.Equal(rm.PerSample.Value, e.Phases.Verification.Value, 1e-12);
        // Its GPUs are held and paid: 32 + 32 + 8.
        Assert.Equal(72, e.Gpus);
        Assert.Equal(72 * e.Run.Time.Value / 3600, e.Run.GpuHours, 1e-9 * e.Run.GpuHours);
        var pool = e.Verifier!;
        Assert.Equal((8, rm.Work), (pool.Gpus, pool.Busy));
        // Llama 3.1 8B: 32 layers × 218,112,000 + 2 × 128,256 × 4,096 (untied) + 4,096 = 8,030,261,248 parameters, bf16.
        Assert.Equal(8_030_261_248.0 * 2, pool.Memory.Weights.Value, 1e-6 * pool.Memory.Weights.Value);
    }

    [Fact]
    public void A_reward_model_on_the_generators_scores_after_them_with_its_weights_resident()
    {
        var rule = Estimate(Yaml("{gpus: 16, tp: 4}", prompts: 64));
        var e = Estimate(Yaml("{gpus: 16, tp: 4}", prompts: 64, verifier: "{kind: model, model: llama3.1-8b, colocated: true}"));
        var rm = e.Generation.Reward!;
        // On the 16 generator GPUs at tp1: 16 replicas, ⌈1,024 / 16⌉ = 64 samples each.
        Assert.Equal((16, 16), (rm.Gpus, rm.Layout.Replicas));
        double p = rm.Model.PrefillIteration(rm.Layout, out double perIteration).Total.Value / perIteration;
        Assert.Equal(64 * p, rm.Work.Value, 1e-9 * rm.Work.Value);
        // Not hidden: the generators score after generating, on their own time; no GPUs besides the two pools.
        Assert.Equal(rm.Work.Value, e.Phases.Verification.Value, 1e-12);
        Assert.Equal((e.Phases.Generation + rm.Work + e.Phases.WeightSync).Value, e.Generators.Busy.Value, 1e-9);
        Assert.Null(e.Verifier);
        Assert.Equal(rule.Gpus, e.Gpus);
        // Its weights (8,030,261,248 × 2 bytes) stay beside the policy's while generating.
        Assert.Equal(e.Generation.WeightsPerGpu.Value + 8_030_261_248.0 * 2, e.Generators.Memory.Weights.Value, 1e-6 * e.Generators.Memory.Weights.Value);
    }

    [Fact]
    public void Plan_keeps_a_reward_models_own_gpus_out_of_the_split()
    {
        var s = Scenarios.FromYaml(Yaml("{gpus: 8, tp: 4}", gpus: 24, trainer: "trainer: {gpus: 8, tp: 8}", verifier: "{kind: model, model: llama3.1-8b, gpus: 8}"));
        var plan = RlPlanner.Plan(s.Model, s.Cluster, s.Precision, s.Rl!, CatalogStore.Default.Calibration(s.Cluster.Accelerator), s.Run, s.Objective, 5);
        Assert.NotEmpty(plan.Ranked);
        Assert.All(plan.Ranked, e => Assert.Equal(24, e.Gpus));
        // The plan places the reward model too (RlPlanSearchTests); whatever GPUs of its own it gets, the pools split the rest.
        Assert.All(plan.Ranked, e => Assert.True(e.Job.Placement == RlPlacement.Colocated ? e.Job.Generator.Gpus == 24 - e.Job.Verifier.OwnGpus
            : e.Job.Generator.Gpus + e.Job.Trainer.Gpus == 24 - e.Job.Verifier.OwnGpus));
    }

    [Fact]
    public void Ppo_trains_a_critic_of_the_policys_size_on_the_same_pool()
    {
        string Colocated(string algorithm) => Yaml("{tp: 4}", placement: "colocated", gpus: 16, trainer: "trainer: {tp: 8, zero: 3}").Replace("algorithm: grpo", "algorithm: " + algorithm, StringComparison.Ordinal);
        var grpo = Estimate(Colocated("grpo"));
        var ppo = Estimate(Colocated("ppo"));
        var m = grpo.Training.Update.Memory;
        // Updating: a second copy of the policy's weights, gradients and optimizer state, sharded alike.
        Assert.Equal(grpo.Trainer.Memory.Total.Value + (m.Weights + m.Gradients + m.Optimizer).Value, ppo.Trainer.Memory.Total.Value, 1e-9 * ppo.Trainer.Memory.Total.Value);
        // Generating: both models' optimizer state goes to host memory and back, their weights stay; the engine's weights
        // make the same round trip for either.
        double engine = 2 * grpo.Generation.WeightsPerGpu.Value / Scenarios.FromYaml(Colocated("grpo")).Cluster.Accelerator.HostMemory!.Bandwidth.BytesPerSecond;
        Assert.Equal(2 * (grpo.Phases.Offload.Value - engine) + engine, ppo.Phases.Offload.Value, 1e-12);
        Assert.Equal(2 * m.Weights.Value, (ppo.Generators.Memory.Weights - ppo.Generation.WeightsPerGpu).Value, 1e-6 * m.Weights.Value);
    }

    [Theory]
    [InlineData("{gpus: 16, tp: 4, mode: disaggregated, prefill_gpus: 4, decode_gpus: 8}", "", "prefill_gpus + decode_gpus = 4 + 8 = 12, but the generator pool has 16 GPUs")]
    [InlineData("{gpus: 16, tp: 4, mode: disaggregated, prefill_gpus: 2, decode_gpus: 14}", "", "must be whole replicas of tp×pp×dp_attention = 4 GPUs")]
    [InlineData("{gpus: 16, tp: 4, prefill_gpus: 4, decode_gpus: 12}", "", "set mode: disaggregated")]
    [InlineData("{gpus: 16, tp: 4, mode: disaggregated, prefill_gpus: 4}", "", "give both prefill_gpus and decode_gpus")]
    [InlineData("{gpus: 4, tp: 4, mode: disaggregated}", "", "need a prefill and a decode replica")]
    [InlineData("{gpus: 16, tp: 4, mode: split}", "", "unknown mode 'split'")]
    [InlineData("{gpus: 16, tp: 4}", "{kind: model, model: llama3.1-405b, gpus: 8}", "the reward model llama3.1-405b at tp1 has no room")]
    [InlineData("{gpus: 16, tp: 4}", "{kind: model, model: llama3.1-70b, colocated: true}", "the reward model's weights take")]
    [InlineData("{gpus: 16, tp: 4}", "{kind: model, model: llama3.1-8b, colocated: true, gpus: 8}", "remove gpus or set colocated: false")]
    [InlineData("{gpus: 16, tp: 4}", "{kind: model, model: llama3.1-8b}", "needs its cost: set gpus")]
    [InlineData("{gpus: 16, tp: 4}", "{kind: model, model: llama3.1-8b, gpus: 16}", "exceeds the cluster's 32 GPUs less the reward model's 16")]
    [InlineData("{gpus: 16, tp: 4}", "{kind: model, model: llama3.1-8b, gpus: 8, tp: 3}", "tp 3 does not divide the reward model's 8 GPUs")]
    public void Bad_generator_split_or_reward_model_is_one_line_and_exit_2(string generator, string verifier, string expected)
    {
        string yaml = verifier.Length > 0 ? Yaml(generator, verifier: verifier) : Yaml(generator);
        var (code, _, err) = CliTests.Run("estimate", CliTests.Temp(yaml));
        Assert.Equal(2, code);
        Assert.Contains(expected, err, StringComparison.Ordinal);
        Assert.Single(err.Trim().Split('\n'));
    }
}
