using Augur.Catalog.Loading;
using Augur.CostModels.Rl;
using Augur.Domain;
using Augur.Domain.Workloads;
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

/// <summary>
/// The scoring passes run once over the whole step (NeMo-RL's get_logprobs takes the step unsplit, batch_size=None), each
/// micro-batch's forward as the pass composer costs it, the pipeline filled and drained once.
/// </summary>
public class RlScoringStepTests
{
    /// <summary>Llama 3.1 8B GRPO, prompts × 8 samples of 128 + 896 tokens (constant), trainer pp2 dp4 on 8 H100s, 4,096-token bins.</summary>
    static RlEstimate Estimate(int prompts, string trainer = "") => RlWorkflow.Estimate(Scenarios.FromYaml(
        $"workload: rl\nmodel: llama3.1-8b\nhardware: dgx-h100\ncluster: {{gpus: 8}}\nprecision: bf16\nrl:\n  prompts_per_step: {prompts}\n  samples_per_prompt: 8\n"
        + "  prompt_tokens: {mean: 128}\n  response_tokens: {mean: 896, max: 896}\n  verifier: {kind: rule, cpu_seconds: 0.01, cpu_cores: 8}\n"
        + $"  generator: {{tp: 1}}\n  trainer: {{pp: 2, pack_tokens: 4096{trainer}}}\n"), CatalogStore.Default).Estimate;

    [Fact]
    public void The_scoring_pass_packs_the_whole_step_and_fills_the_pipeline_once()
    {
        // 128 samples of 1,024 tokens, four to a 4,096-token bin: 32 bins, a multiple of dp 4, 8 per rank; 256 samples: 64
        // bins, 16 per rank. Each bin is full either way, so a pass is a micro-batch's forward × (m + pp − 1): 9 of them, then 17.
        var small = Estimate(16);
        var large = Estimate(32);
        Assert.Equal(8, small.Training.ScoringMicroBatches);
        Assert.Equal(16, large.Training.ScoringMicroBatches);
        Assert.Equal(17.0 / 9, large.Training.Forward.Value / small.Training.Forward.Value, 9);
        // Four optimizer steps instead of one change the update, not the scoring, which takes the step's samples at once.
        var split = Estimate(32, ", global_batch: 64");
        Assert.Equal(4, split.Training.OptimizerSteps);
        Assert.Equal(large.Training.Forward.Value, split.Training.Forward.Value, 12);
        Assert.True(split.Phases.Training.Value > large.Phases.Training.Value);
    }

    [Fact]
    public void A_packed_row_attends_over_the_token_weighted_sample_length()
    {
        // Constant lengths: every sample is 115 + 1,000 tokens long.
        Assert.Equal(1115, RlTraining.AttendedLength(115, 1000, 0));
        // Responses of mean 1,000 and cv 0.75 (no cap within reach): E[L²]/E[L] = (115² + 2·115·1,000 + 1,000²·1.5625) / 1,115
        // = 1,805,725 / 1,115 = 1,619.5 tokens, the long samples' attention weighing as their length squared.
        var (mu, cv) = ResponseCurve.Clipped(new RlLengths(1000, 0.75, 20_000));
        Assert.InRange(RlTraining.AttendedLength(115, mu, cv), 1616, 1623);
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
