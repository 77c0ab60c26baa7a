using Augur.Catalog.Loading;
using Augur.CostModels.Rl;
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
