using Augur.Catalog.Loading;
using Augur.CostModels.Rl;
using Augur.Domain.Workloads;
using Augur.Tests.Cli;
using Augur.Workflows.Rl;

namespace Augur.Tests.Rl;

/// <summary>A critic of its own model, DAPO dynamic sampling and several verifiers (issue #13 point 1).</summary>
public class RlAlgorithmTests
{
    /// <summary>8 prompts × 16 samples of 1,024 + 2,000 tokens (constant lengths), colocated on 16 H100s.</summary>
    static string Yaml(string algorithm = "grpo", string extra = "", string verifier = "{kind: rule, cpu_seconds: 0.2, cpu_cores: 512}",
        string model = "qwen3-32b", string placement = "placement: colocated\n  generator: {tp: 4}\n  trainer: {tp: 8, zero: 3}") =>
        $"workload: rl\nmodel: {model}\nhardware: h100-sxm\ncluster: {{gpus: 16}}\nprecision: bf16\nrl:\n  algorithm: {algorithm}\n  prompts_per_step: 8\n  samples_per_prompt: 16\n"
        + $"  prompt_tokens: {{mean: 1024, max: 1024}}\n  response_tokens: {{mean: 2000, max: 2000}}\n  verifier: {verifier}\n  {placement}\n{extra}  steps: 10\n";

    static RlEstimate Estimate(string yaml) => RlWorkflow.Estimate(Scenarios.FromYaml(yaml), CatalogStore.Default).Estimate;

    /// <summary>
    /// The same job with its policy's loss read as the generic cross entropy, the count a critic's passes take (its value
    /// head is costed as the LM head): the policy and a critic of its model then run the same passes.
    /// </summary>
    internal static RlEstimate AsCritic(string yaml)
    {
        var s = Scenarios.FromYaml(yaml);
        var rl = s.Rl!;
        return RlWorkflow.Estimate(s with { Rl = rl with { Trainer = rl.Trainer with { Loss = LossKernel.CrossEntropy } } }, CatalogStore.Default).Estimate;
    }

    [Fact]
    public void A_named_critic_costs_what_its_own_model_costs_to_score_and_train()
    {
        // PPO's critic runs a value pass and an update over the step's samples on the trainer's layout. A Llama 3.1 8B
        // critic therefore costs one forward pass and one update of Llama 3.1 8B: what a GRPO job whose policy is
        // Llama 3.1 8B spends on its update (training) and on each of its two log-probability passes (log_probs / 2).
        var ppo = Estimate(Yaml("ppo", "  critic: {model: llama3.1-8b}\n"));
        var eight = AsCritic(Yaml(model: "llama3.1-8b"));
        double expected = eight.Phases.LogProbs.Value / 2 + eight.Phases.Training.Value;
        Assert.Equal(expected, ppo.Phases.Critic.Value, 1e-9 * expected);
        // Without the key the critic is the policy's own model, as before: its value pass and update.
        var own = AsCritic(Yaml("ppo"));
        Assert.Equal(own.Phases.LogProbs.Value / 2 + own.Phases.Training.Value, own.Phases.Critic.Value, 1e-9 * own.Phases.Critic.Value);
        // The policy's own passes read the logits as token log-probabilities (LossTraffic): more than its critic's.
        var policy = Estimate(Yaml("ppo"));
        Assert.True(policy.Phases.Training > own.Phases.Training);
        Assert.True(policy.Phases.Critic < policy.Phases.LogProbs / 2 + policy.Phases.Training);
        Assert.Equal(own.Phases.Critic.Value, Estimate(Yaml("ppo", "  critic: {model: qwen3-32b}\n")).Phases.Critic.Value, 1e-9 * own.Phases.Critic.Value);
    }

    [Fact]
    public void The_critic_report_shows_the_update_the_step_pays_for_every_optimizer_step()
    {
        // 8 × 16 = 128 samples in global batches of 32: four optimizer steps for the critic as for the policy, so the
        // reported value pass + update add up to the critic phase, and the update is four single optimizer steps.
        var yaml = Yaml("ppo", "  critic: {model: llama3.1-8b}\n", placement: "placement: colocated\n  generator: {tp: 4}\n  trainer: {tp: 8, zero: 3, global_batch: 32}");
        var e = Estimate(yaml);
        var c = e.Training.Critic!;
        Assert.Equal(4, c.OptimizerSteps);
        var critic = Augur.Reports.Rl.RlReport.Json(Scenarios.FromYaml(yaml), e)["critic"]!;
        double update = critic["update_s"]!.GetValue<double>(), value = critic["value_pass_s"]!.GetValue<double>();
        Assert.Equal(4 * c.Update.StepTime.Value, update, 1e-3 * update);
        Assert.Equal(e.Phases.Critic.Value, value + update, 1e-3 * e.Phases.Critic.Value);
    }

    [Fact]
    public void A_critic_of_half_the_policys_parameters_costs_half_the_critic_passes_flops()
    {
        // Policy: a Llama-3.1-8B-shaped config. Critic: the same with half the layers and half the vocabulary, so every
        // parameter count halves (each layer's, the embedding's and the output layer's; only the 4,096-parameter final
        // norm does not). Forward FLOPs per token are per-layer projections, attention and MLP times the layers, plus the
        // output layer's 2·d·V: each term halves, so the critic's value pass and update (forward + 3 × forward FLOPs per
        // token, over the same samples) cost exactly half.
        const string shape = "hidden_size: 4096, num_attention_heads: 32, num_key_value_heads: 8, intermediate_size: 14336";
        string policy = $"{{{shape}, num_hidden_layers: 32, vocab_size: 128256}}";
        string half = $"{{{shape}, num_hidden_layers: 16, vocab_size: 64128}}";
        var own = Estimate(Yaml("ppo", model: policy));
        var halved = Estimate(Yaml("ppo", $"  critic: {{model: {half}}}\n", model: policy));
        // The critic's passes over a step: its update's model FLOPs (3 × forward per token × the step's tokens) and a
        // value pass of a third of that.
        static double CriticFlops(RlEstimate e) => e.Training.Critic!.Model.ModelFlopsPerStep * 4 / 3;
        Assert.Equal(CriticFlops(own) / 2, CriticFlops(halved), 1e-12 * CriticFlops(own));
        Assert.NotSame(halved.Training, halved.Training.Critic);
        // The policy's own passes do not change.
        Assert.Equal(own.Phases.Training.Value, halved.Phases.Training.Value, 1e-12);
        Assert.Equal(own.Phases.LogProbs.Value, halved.Phases.LogProbs.Value, 1e-12);
    }

    [Fact]
    public void A_named_critics_memory_and_offload_are_its_own_models()
    {
        var grpo = Estimate(Yaml());
        var ppo = Estimate(Yaml("ppo", "  critic: {model: llama3.1-8b}\n"));
        var critic = ppo.Training.Critic!.Update.Memory;
        // Llama 3.1 8B: 8,030,261,248 parameters, tp8 × dp2 = 16 shards (ZeRO-3 shards gradients and optimizer over dp
        // after tp splits the weights): fp32 gradients 4 B + Adam's fp32 master, momentum and variance 12 B = 16 B per
        // parameter over 16 GPUs, 8,030,261,248 B per GPU.
        Assert.Equal(8_030_261_248.0, (critic.Gradients + critic.Optimizer).Value, 1e-6 * 8_030_261_248.0);
        // Updating: the policy, its frozen reference and the critic's weights; the policy's and the critic's gradients and optimizer.
        var policy = ppo.Training.Update.Memory;
        Assert.Equal((2 * policy.Weights + critic.Weights).Value, ppo.Trainer.Memory.Weights.Value, 1e-9 * ppo.Trainer.Memory.Weights.Value);
        Assert.Equal((policy.Optimizer + critic.Optimizer).Value, ppo.Trainer.Memory.Optimizer.Value, 1e-9 * ppo.Trainer.Memory.Optimizer.Value);
        // Colocated: the critic's optimizer state (12 of the 16 bytes) also goes to host memory, into fresh pageable memory
        // at the host's measured 1.31 GB/s, and back over the link; its gradients (4 of the 16) are freed, not moved.
        var host = Scenarios.FromYaml(Yaml()).Cluster.Accelerator.HostMemory!;
        double optimizer = 12.0 / 16 * 8_030_261_248.0;
        double extra = optimizer / host.Bandwidth.BytesPerSecond + optimizer / 1.31e9;
        Assert.Equal(grpo.Phases.Offload.Value + extra, ppo.Phases.Offload.Value, 1e-6 * ppo.Phases.Offload.Value);
    }

    [Fact]
    public void Dynamic_sampling_runs_the_expected_generation_rounds_and_trains_the_same_batch()
    {
        // DAPO (Yu et al. 2025, arXiv:2503.14476 §3.2) drops prompt groups whose samples all score alike and generates
        // more until the train batch is full. With a share f of groups dropped, a round of G groups keeps (1 − f)·G on
        // average; rounds run until G are kept, so by Wald's identity E[groups generated]·(1 − f) = G: the expected
        // number of rounds is 1/(1 − f). f = 0.5: 2 rounds; f = 0.3: 1/0.7 = 1.428571...
        var plain = Estimate(Yaml());
        var half = Estimate(Yaml(extra: "  dynamic_sampling: {filtered_fraction: 0.5}\n"));
        Assert.Equal(2.0, half.Job.GenerationRounds);
        Assert.Equal(2 * plain.Phases.Generation.Value, half.Phases.Generation.Value, 1e-12 * half.Phases.Generation.Value);
        Assert.Equal(plain.Phases.Training.Value, half.Phases.Training.Value);
        Assert.Equal(plain.Phases.LogProbs.Value, half.Phases.LogProbs.Value);
        // 128 samples of 2,000 tokens generated per round: 512,000 tokens in two rounds; 128 × 3,024 trained either way.
        Assert.Equal(512_000, half.GeneratedTokensPerSecond * half.StepTime.Value, 1e-6);
        Assert.Equal(128 * 3024, half.TrainedTokensPerSecond * half.StepTime.Value, 1e-6);
        Assert.Equal(128 / half.StepTime.Value, half.SamplesPerSecond, 1e-12);

        var keep = Estimate(Yaml(extra: "  dynamic_sampling: {keep_fraction: 0.7}\n"));
        var filtered = Estimate(Yaml(extra: "  dynamic_sampling: {filtered_fraction: 0.3}\n"));
        Assert.Equal(1 / 0.7, filtered.Job.GenerationRounds, 1e-12);
        Assert.Equal(plain.Phases.Generation.Value / 0.7, filtered.Phases.Generation.Value, 1e-9 * filtered.Phases.Generation.Value);
        Assert.Equal(filtered.StepTime.Value, keep.StepTime.Value, 1e-9 * keep.StepTime.Value);
    }

    [Fact]
    public void Dynamic_sampling_scales_verification_and_the_asynchronous_pace()
    {
        // Rule checks of 0.2 s on 1 core: 128 samples × 2 rounds × 0.2 s = 51.2 s of work, all after the first sample
        // is out; what is left past generation is exposed, plus one sample's check.
        const string slow = "{kind: rule, cpu_seconds: 0.2, cpu_cores: 1}";
        var e = Estimate(Yaml(extra: "  dynamic_sampling: {filtered_fraction: 0.5}\n", verifier: slow));
        Assert.Equal(51.2, e.Verifiers.Single().Work, 1e-9);
        Assert.Equal(0.2 + Math.Max(0, 51.2 - e.Phases.Generation.Value), e.Phases.Verification.Value, 1e-9);
        // Asynchronous, staleness 1: the generators' pace is max(full-batch work, makespan / 2), each of two rounds.
        const string pools = "placement: asynchronous\n  staleness: 1\n  generator: {gpus: 8, tp: 4}\n  trainer: {gpus: 8, tp: 8, zero: 3}";
        var a = Estimate(Yaml(extra: "  dynamic_sampling: {filtered_fraction: 0.5}\n", placement: pools));
        var r = a.Generation.Rollout;
        Assert.Equal(Math.Max(2 * r.Work, 2 * r.Makespan / 2), a.Phases.Generation.Value, 1e-9 * a.Phases.Generation.Value);
    }

    [Fact]
    public void Verifiers_with_shares_each_score_their_samples_side_by_side()
    {
        // 128 samples: a rule check (0.2 s on 16 cores) on half, a sandbox (10 s, one at a time) on the other half.
        // Rule: 64 × 0.2 / 16 = 0.8 s; sandbox: 64 × 10 / 1 = 640 s. They run at once on their own resources, so the
        // step waits for the slower: 640 s of work, of which what outlasts generation shows, plus one 10 s check.
        const string shared = "[{kind: rule, cpu_seconds: 0.2, cpu_cores: 16, share: 0.5}, {kind: sandbox, latency_s: 10, concurrency: 1, share: 0.5}]";
        var e = Estimate(Yaml(verifier: shared));
        Assert.Equal([0.8, 640.0], e.Verifiers.Select(v => v.Work));
        Assert.Equal(10 + 640 - e.Phases.Generation.Value, e.Phases.Verification.Value, 1e-9);
        // Without shares each scores every sample: 128 × 0.2 / 16 = 1.6 s and 128 × 10 = 1,280 s.
        var all = Estimate(Yaml(verifier: "[{kind: rule, cpu_seconds: 0.2, cpu_cores: 16}, {kind: sandbox, latency_s: 10, concurrency: 1}]"));
        Assert.Equal([1.6, 1280.0], all.Verifiers.Select(v => v.Work));
        Assert.Equal(10 + 1280 - all.Phases.Generation.Value, all.Phases.Verification.Value, 1e-9);
    }

    [Fact]
    public void A_reward_model_in_a_list_scores_its_share_on_its_own_gpus()
    {
        // Llama 3.1 8B on 8 GPUs of its own at tp1: 8 replicas. Alone it scores ⌈128 / 8⌉ = 16 samples per replica; with
        // a share of 0.5 beside a rule check ⌈64 / 8⌉ = 8, half the work. The reward model is the job's verifier that
        // holds GPUs, wherever it is listed.
        string Job(string verifier) => Yaml(verifier: verifier).Replace("gpus: 16}", "gpus: 24}", StringComparison.Ordinal);
        var alone = Estimate(Job("{kind: model, model: llama3.1-8b, gpus: 8}"));
        var shared = Estimate(Job("[{kind: rule, cpu_seconds: 0.2, cpu_cores: 512, share: 0.5}, {kind: model, model: llama3.1-8b, gpus: 8, share: 0.5}]"));
        Assert.Equal(VerifierKind.Model, shared.Job.Verifier.Kind);
        Assert.Equal(24, shared.Gpus);
        Assert.Equal(alone.Verifier!.Busy.Value / 2, shared.Verifier!.Busy.Value, 1e-12 * alone.Verifier.Busy.Value);
    }

    [Theory]
    [InlineData("ppo", "  critic: {model: qwen3-9b}\n", "", "rl.critic.model: unknown model 'qwen3-9b'")]
    [InlineData("grpo", "  critic: {model: llama3.1-8b}\n", "", "only ppo trains a critic")]
    [InlineData("grpo", "  dynamic_sampling: {filtered_fraction: 1}\n", "", "filtered_fraction: must be in [0, 1)")]
    [InlineData("grpo", "  dynamic_sampling: {filtered_fraction: -0.1}\n", "", "filtered_fraction: must be in [0, 1)")]
    [InlineData("grpo", "  dynamic_sampling: {keep_fraction: 0}\n", "", "keep_fraction: must be in (0, 1]")]
    [InlineData("grpo", "  dynamic_sampling: {filtered_fraction: 0.3, keep_fraction: 0.7}\n", "", "give filtered_fraction")]
    // 1 / (1 - 0.999) = 1,000 expected rounds, and 1 / 0.001 for the same keep fraction.
    [InlineData("grpo", "  dynamic_sampling: {filtered_fraction: 0.999}\n", "", "keeping 0.001 of the prompt groups takes 1,000 generation rounds per step on average; give a filtered fraction of at most 0.99 (100 rounds)")]
    [InlineData("grpo", "  dynamic_sampling: {keep_fraction: 0.001}\n", "", "keeping 0.001 of the prompt groups takes 1,000 generation rounds")]
    [InlineData("grpo", "", "[]", "an empty list scores nothing")]
    [InlineData("grpo", "", "[{kind: rule, cpu_seconds: 0.2, cpu_cores: 16, share: 0.5}, {kind: sandbox, latency_s: 2, concurrency: 8, share: 0.4}]", "shares add up to 0.9, not 1")]
    [InlineData("grpo", "", "[{kind: rule, cpu_seconds: 0.2, cpu_cores: 16, share: 0.5}, {kind: sandbox, latency_s: 2, concurrency: 8}]", "1 of 2 have one")]
    [InlineData("grpo", "", "[{kind: rule, cpu_seconds: 0.2, cpu_cores: 16, share: 1.5}]", "share: must be in (0, 1]")]
    [InlineData("grpo", "", "[{kind: model, model: llama3.1-8b, gpus: 4}, {kind: model, model: llama3.1-8b, colocated: true}]", "more than one model verifier")]
    public void Bad_algorithm_or_verifier_input_is_one_line_and_exit_2(string algorithm, string extra, string verifier, string expected)
    {
        string yaml = verifier.Length > 0 ? Yaml(algorithm, extra, verifier) : Yaml(algorithm, extra);
        var (code, _, err) = CliTests.Run("estimate", CliTests.Temp(yaml));
        Assert.Equal(2, code);
        Assert.Contains(expected, err, StringComparison.Ordinal);
        Assert.Single(err.Trim().Split('\n'));
    }
}
