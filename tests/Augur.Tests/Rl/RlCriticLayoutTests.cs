using Augur.Catalog.Loading;
using Augur.CostModels.Rl;
using Augur.Domain.Workloads;
using Augur.Search.Rl;
using Augur.Tests.Cli;
using Augur.Workflows.Rl;

namespace Augur.Tests.Rl;

/// <summary>
/// PPO's critic in a layout of its own: on the trainer's GPUs (verl's critic.megatron.* on the actor's resource pool) or
/// on GPUs of its own (OpenRLHF --critic.num_nodes × num_gpus_per_node), scoring and training beside the policy.
/// </summary>
public class RlCriticLayoutTests
{
    /// <summary>8 prompts × 16 samples of 1,024 + 2,000 tokens (constant lengths) on H100s: 8 generators (tp4), a 16-GPU trainer.</summary>
    static string Yaml(string algorithm, string critic, int gpus = 24, string model = "qwen3-32b", string placement = "disaggregated",
        string pools = "  generator: {gpus: 8, tp: 4}\n  trainer: {gpus: 16, tp: 8, zero: 3}\n") =>
        $"workload: rl\nmodel: {model}\nhardware: h100-sxm\ncluster: {{gpus: {gpus}}}\nprecision: bf16\nrl:\n  algorithm: {algorithm}\n  prompts_per_step: 8\n  samples_per_prompt: 16\n"
        + "  prompt_tokens: {mean: 1024, max: 1024}\n  response_tokens: {mean: 2000, max: 2000}\n  verifier: {kind: rule, cpu_seconds: 0.2, cpu_cores: 512}\n"
        + $"  placement: {placement}\n{pools}{critic}";

    static RlEstimate Estimate(string yaml) => RlWorkflow.Estimate(Scenarios.FromYaml(yaml), CatalogStore.Default).Estimate;

    [Fact]
    public void A_critic_laid_out_on_the_trainers_gpus_costs_what_its_model_costs_in_that_layout()
    {
        // The critic (Llama 3.1 8B) at tp2, ZeRO-3 on the trainer's 16 GPUs runs a value pass and an update of Llama 3.1 8B
        // in that layout: what a GRPO job whose policy is Llama 3.1 8B, trained at tp2 ZeRO-3 on the same 16 GPUs, spends
        // on one of its two log-probability passes (log_probs / 2) and on its update.
        var ppo = Estimate(Yaml("ppo", "  critic: {model: llama3.1-8b, tp: 2, zero: 3}\n"));
        var eight = RlAlgorithmTests.AsCritic(Yaml("grpo", "", model: "llama3.1-8b", pools: "  generator: {gpus: 8, tp: 4}\n  trainer: {gpus: 16, tp: 2, zero: 3}\n"));
        double expected = eight.Phases.LogProbs.Value / 2 + eight.Phases.Training.Value;
        Assert.Equal(expected, ppo.Phases.Critic.Value, 1e-9 * expected);
        Assert.Equal(2, ppo.Training.Critic!.Update.Layout.Tp);
        Assert.Equal(8, ppo.Training.Critic.Update.Layout.Dp);
        // The policy keeps its own layout (tp8), and the critic shares its pool: no pool of its own, 24 GPUs held.
        Assert.Equal(8, ppo.Training.Update.Layout.Tp);
        Assert.Null(ppo.CriticPool);
        Assert.Equal(24, ppo.Gpus);
    }

    [Fact]
    public void A_critic_of_the_policys_model_on_gpus_of_its_own_hides_behind_the_policys_passes()
    {
        // The critic is the policy's own model in the trainer's layout on 16 GPUs of its own. Its value pass is one forward
        // pass, the policy's log-probabilities two (old policy and reference); its update is the policy's, same model,
        // layout and GPU count. Running beside them it adds max(0, F − 2F) + max(0, U − U) = 0: the step is the GRPO step
        // of the same generators and trainer, on 8 + 16 + 16 = 40 GPUs instead of 24.
        var grpo = Estimate(Yaml("grpo", ""));
        var ppo = Estimate(Yaml("ppo", "  critic: {gpus: 16, tp: 8, zero: 3}\n", gpus: 40));
        Assert.Equal(0, ppo.Phases.Critic.Value);
        Assert.Equal(grpo.StepTime.Value, ppo.StepTime.Value, 1e-12 * grpo.StepTime.Value);
        Assert.Equal(40, ppo.Gpus);
        Assert.Equal(40.0 / 24, ppo.Run.GpuHours / grpo.Run.GpuHours, 1e-12);
        // Its pool works one forward pass and one update of the policy's model with the critic's loss count: log_probs / 2 + training
        // of the same job costed so (its own passes, token log-probabilities, are longer, so it still hides).
        var pool = ppo.CriticPool!;
        Assert.Equal(16, pool.Gpus);
        var asCritic = RlAlgorithmTests.AsCritic(Yaml("grpo", ""));
        Assert.Equal(asCritic.Phases.LogProbs.Value / 2 + asCritic.Phases.Training.Value, pool.Busy.Value, 1e-9 * pool.Busy.Value);
        Assert.Equal(ppo.StepTime.Value, pool.Busy.Value + pool.Idle.Value, 1e-9 * ppo.StepTime.Value);
        // The trainer pool no longer holds the critic: its memory is the GRPO trainer's.
        Assert.Equal(grpo.Trainer.Memory.Total.Value, ppo.Trainer.Memory.Total.Value, 1e-9 * grpo.Trainer.Memory.Total.Value);
    }

    [Fact]
    public void A_critic_slower_than_the_policy_adds_what_its_passes_outlast()
    {
        // Policy Llama 3.1 8B, critic Qwen3-32B on 8 GPUs of its own (tp8, ZeRO-3): each of its passes takes longer than
        // the policy's matching one, so the step pays (value − log_probs) + (critic update − policy update).
        var ppo = Estimate(Yaml("ppo", "  critic: {model: qwen3-32b, gpus: 8, tp: 8, zero: 3}\n", gpus: 32, model: "llama3.1-8b"));
        var c = ppo.Training.Critic!;
        double value = c.Forward.Value, update = c.UpdateTime.Value;
        Assert.True(value > ppo.Phases.LogProbs.Value && update > ppo.Phases.Training.Value);
        Assert.Equal(value - ppo.Phases.LogProbs.Value + update - ppo.Phases.Training.Value, ppo.Phases.Critic.Value, 1e-9 * ppo.Phases.Critic.Value);
    }

    [Fact]
    public void A_critic_on_gpus_of_its_own_holds_its_model_sharded_over_them()
    {
        // Llama 3.1 8B: 8,030,261,248 parameters; ZeRO-3 over tp2 × dp4 = 8 GPUs shards fp32 gradients (4 B) and Adam's
        // fp32 master, momentum and variance (12 B): 16 B × 8,030,261,248 / 8 = 16,060,522,496 B per GPU.
        var e = Estimate(Yaml("ppo", "  critic: {model: llama3.1-8b, gpus: 8, tp: 2, zero: 3}\n", gpus: 32));
        var m = e.CriticPool!.Memory;
        Assert.Equal(16_060_522_496.0, (m.Gradients + m.Optimizer).Value, 1e-6 * 16_060_522_496.0);
        var json = Augur.Reports.Rl.RlReport.Json(Scenarios.FromYaml(Yaml("ppo", "  critic: {model: llama3.1-8b, gpus: 8, tp: 2, zero: 3}\n", gpus: 32)), e);
        Assert.Equal(8, json["critic"]!["gpus"]!.GetValue<int>());
        Assert.True(json["critic"]!["own_pool"]!.GetValue<bool>());
        Assert.Equal(3, json["pools"]!.AsArray().Count);
    }

    [Fact]
    public void The_plan_keeps_a_critics_own_gpus_and_splits_the_rest()
    {
        // 32 GPUs, 8 of them the critic's: every candidate splits the other 24 between generators and trainer, holds all
        // 32, and none colocates (a critic of its own needs separate pools).
        var s = Scenarios.FromYaml(Yaml("ppo", "  critic: {model: llama3.1-8b, gpus: 8, tp: 2, zero: 3}\n", gpus: 32));
        var plan = RlPlanner.Plan(s.Model, s.Cluster, s.Precision, s.Rl!, CatalogStore.Default.Calibration(s.Cluster.Accelerator), s.Run, s.Objective, 1000);
        Assert.NotEmpty(plan.Ranked);
        Assert.All(plan.Ranked, e =>
        {
            Assert.Equal(24, e.Job.Generator.Gpus + e.Job.Trainer.Gpus);
            Assert.Equal(32, e.Gpus);
            Assert.NotEqual(RlPlacement.Colocated, e.Job.Placement);
            Assert.Equal(8, e.CriticPool!.Gpus);
        });
        // A critic laid out on the trainer's GPUs keeps tp2 on every trainer the plan tries, dp filling it.
        var shared = Scenarios.FromYaml(Yaml("ppo", "  critic: {model: llama3.1-8b, tp: 2, zero: 3}\n"));
        var sharedPlan = RlPlanner.Plan(shared.Model, shared.Cluster, shared.Precision, shared.Rl!, CatalogStore.Default.Calibration(shared.Cluster.Accelerator), shared.Run, shared.Objective, 1000);
        Assert.NotEmpty(sharedPlan.Ranked);
        Assert.All(sharedPlan.Ranked, e => Assert.Equal(e.Job.Trainer.Gpus, 2 * e.Training.Critic!.Update.Layout.Dp));
    }

    [Theory]
    // 2 × 3 = 6 is not the trainer's 16 GPUs the critic shares.
    [InlineData("  critic: {tp: 2, dp: 3}\n", 24, "disaggregated", "rl.critic: tp×pp×cp×dp = 2×1×1×3 = 6, but the trainer's pool (where the critic runs) has 16 GPUs; make the degrees multiply to 16")]
    [InlineData("  critic: {gpus: 8, tp: 3}\n", 32, "disaggregated", "rl.critic: tp×pp×cp = 3 does not divide the 8 GPUs of the critic; change the degrees or critic.gpus")]
    [InlineData("  critic: {gpus: 8, tp: 2, dp: 2}\n", 32, "disaggregated", "tp×pp×cp×dp = 2×1×1×2 = 4, but the critic has 8 GPUs")]
    // 8 + 16 + 9 = 33 GPUs in a 32-GPU cluster.
    [InlineData("  critic: {gpus: 9, tp: 1}\n", 32, "disaggregated", "generator.gpus + trainer.gpus = 8 + 16 = 24 exceeds the cluster's 32 GPUs less the critic's 9")]
    // Qwen3-32B unsharded on each of 2 GPUs: about 32.8e9 parameters × (2 B bf16 weights + 4 B fp32 gradients) is over 180 GiB.
    [InlineData("  critic: {model: qwen3-32b, gpus: 2}\n", 26, "disaggregated", "rl.critic: its update needs")]
    [InlineData("  critic: {gpus: 8}\n", 32, "colocated", "a colocated pool runs every model on the same GPUs")]
    // tp8 × pp3 = 24 GPUs per model copy on a pool of 8.
    [InlineData("  critic: {gpus: 8, tp: 8, pp: 3}\n", 32, "disaggregated", "rl.critic: tp×pp×cp = 24 does not divide the 8 GPUs of the critic")]
    public void Bad_critic_layouts_are_one_line_and_exit_2(string critic, int gpus, string placement, string expected)
    {
        string pools = placement == "colocated" ? "  generator: {tp: 4}\n  trainer: {tp: 8, zero: 3}\n" : "  generator: {gpus: 8, tp: 4}\n  trainer: {gpus: 16, tp: 8, zero: 3}\n";
        var (code, _, err) = CliTests.Run("estimate", CliTests.Temp(Yaml("ppo", critic, gpus, placement: placement, pools: pools)));
        Assert.Equal(2, code);
        Assert.Contains(expected, err, StringComparison.Ordinal);
        Assert.Single(err.Trim().Split('\n'));
    }
}
