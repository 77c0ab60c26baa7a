using Augur.Catalog.Loading;
using Augur.CostModels.Rl;
using Augur.Domain;
using Augur.Workflows.Rl;

namespace Augur.Tests.Rl;

/// <summary>Forward-only scoring passes (log-probabilities, values) rerun nothing, whatever the update recomputes.</summary>
public class RlScoringPassTests
{
    static RlEstimate Estimate(string recompute) => RlWorkflow.Estimate(Scenarios.FromYaml(
        "workload: rl\nmodel: llama3.1-8b\nhardware: h100-sxm\ncluster: {gpus: 8}\nprecision: bf16\nrl:\n  prompts_per_step: 16\n  samples_per_prompt: 8\n"
        + "  prompt_tokens: {mean: 128}\n  response_tokens: {mean: 896, max: 896}\n  verifier: {kind: rule, cpu_seconds: 0.01, cpu_cores: 8}\n"
        + $"  generator: {{tp: 1}}\n  trainer: {{pp: 2{recompute}}}\n"), CatalogStore.Default).Estimate;

    [Fact]
    public void A_log_probability_pass_costs_the_same_with_full_recompute_as_without_and_the_update_costs_more()
    {
        var kept = Estimate("");
        var full = Estimate(", recompute: full");
        // Megatron checkpoints a layer only while training, and NeMo-RL scores in eval mode under no_grad.
        Assert.Equal(kept.Training.Forward.Value, full.Training.Forward.Value, 12);
        Assert.Equal(kept.Phases.LogProbs.Value, full.Phases.LogProbs.Value, 12);
        // The update reruns every layer's forward: one more forward on top of forward + backward (3 forwards).
        Assert.True(full.Phases.Training.Value > kept.Phases.Training.Value);
    }
}

/// <summary>A scoring pass of an eager MoE trainer waits on the host at each dispatcher synchronisation, as the update's forward does.</summary>
public class RlScoringHostWaitTests
{
    static RlEstimate Estimate(string model, string hardware, string trainer) => RlWorkflow.Estimate(Scenarios.FromYaml(
        $"workload: rl\nmodel: {model}\nhardware: {hardware}\ncluster: {{gpus: 8}}\nprecision: bf16\nrl:\n  prompts_per_step: 16\n  samples_per_prompt: 8\n"
        + "  prompt_tokens: {mean: 128}\n  response_tokens: {mean: 896, max: 896}\n  verifier: {kind: rule, cpu_seconds: 0.01, cpu_cores: 8}\n"
        + $"  generator: {{tp: 1}}\n  trainer: {{{trainer}}}\n"), CatalogStore.Default).Estimate;

    [Fact]
    public void The_log_probability_passes_add_their_forwards_host_wait_per_micro_batch()
    {
        var e = Estimate("qwen3-30b-a3b", "dgx-h100", "ep: 8");
        var t = e.Training;
        var l = t.Update.Layout;
        // One micro-batch's forward-only wait, times the micro-batches of an optimizer step.
        double perMicroBatch = t.Model.ForwardHostWait(l).Value;
        Assert.True(perMicroBatch > 0, "an eager MoE forward on an x86 host waits at each dispatch");
        Assert.Equal(perMicroBatch * t.Model.MicroBatches(l), t.ForwardHostWait.Value, 9);
        // The forward alone waits less than the whole step's host time (its backward issues twice the GEMM calls).
        Assert.True(t.ForwardHostWait.Value < t.Update.Breakdown.HostIssue!.Value.Value);
        // A forward pass is the breakdown's forward share (a third of the training FLOPs) plus that wait; GRPO scores twice.
        var b = t.Update.Breakdown;
        double share = (b.Compute + b.Bubble + b.TensorParallel + b.ContextParallel + b.ExpertParallel + b.PipelineP2P).Value * t.Model.Flops.Forward / t.Model.Flops.Training;
        Assert.Equal(t.OptimizerSteps * (share + t.ForwardHostWait.Value), t.Forward.Value, 9);
        Assert.Equal(2 * t.Forward.Value + t.ReferenceSwap.Value, e.Phases.LogProbs.Value, 9);
    }
}

/// <summary>
/// With one optimizer step per RL step the old policy is the trained one, so NeMo-RL's force_on_policy_ratio skips its
/// log-probability pass and keeps the reference's (nemo_rl/algorithms/grpo.py @ 3d6d13240); verl's bypass mode skips it
/// with any number of optimizer steps, taking the rollout's log-probabilities instead.
/// </summary>
public class RlOldPolicyPassTests
{
    const string Head = "workload: rl\nmodel: llama3.1-8b\nhardware: dgx-h100\ncluster: {gpus: 8}\nprecision: bf16\nrl:\n  prompts_per_step: 16\n  samples_per_prompt: 8\n"
        + "  prompt_tokens: {mean: 128}\n  response_tokens: {mean: 896, max: 896}\n  verifier: {kind: rule, cpu_seconds: 0.01, cpu_cores: 8}\n  generator: {tp: 1}\n";

    static RlEstimate Estimate(string algorithm, string trainer) => RlWorkflow.Estimate(Scenarios.FromYaml(
        Head + $"  algorithm: {algorithm}\n  trainer: {{{trainer}}}\n"), CatalogStore.Default).Estimate;

    [Fact]
    public void Skipping_the_old_policys_pass_leaves_the_reference_pass_and_its_swap()
    {
        var both = Estimate("grpo", "reference_on_host: true");
        var reference = Estimate("grpo", "reference_on_host: true, old_policy_logprobs: false");
        var t = both.Training;
        Assert.True(t.ReferenceSwap.Value > 0);
        // Two forwards and the swap, against one forward and the swap; nothing else in the step moves.
        Assert.Equal(2 * t.Forward.Value + t.ReferenceSwap.Value, both.Phases.LogProbs.Value, 9);
        Assert.Equal(t.Forward.Value + t.ReferenceSwap.Value, reference.Phases.LogProbs.Value, 9);
        Assert.Equal(both.Phases.Training.Value, reference.Phases.Training.Value, 12);
        Assert.Equal(both.StepTime.Value - t.Forward.Value, reference.StepTime.Value, 9);
    }

    [Fact]
    public void DAPO_without_the_old_policys_pass_scores_nothing()
    {
        var dapo = Estimate("dapo", "old_policy_logprobs: false");
        Assert.Equal(0, dapo.Phases.LogProbs.Value);
    }

    [Fact]
    public void Skipping_it_with_several_optimizer_steps_leaves_the_reference_pass_alone()
    {
        // verl's bypass mode takes the rollout's own log-probabilities for the old policy's with any number of PPO
        // mini-batches: four optimizer steps of 32 samples score one forward (the reference's) instead of two, and DAPO none.
        var both = Estimate("grpo", "global_batch: 32");
        var skip = Estimate("grpo", "global_batch: 32, old_policy_logprobs: false");
        double forward = both.Training.Forward.Value;
        Assert.Equal(2 * forward, both.Phases.LogProbs.Value, 9);
        Assert.Equal(forward, skip.Phases.LogProbs.Value, 9);
        Assert.Equal(0, Estimate("dapo", "global_batch: 32, old_policy_logprobs: false").Phases.LogProbs.Value);
    }
}
