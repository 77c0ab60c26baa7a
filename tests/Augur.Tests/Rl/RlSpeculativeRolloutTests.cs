using Augur.Catalog.Loading;
using Augur.CostModels.Rl;
using Augur.Domain;
using Augur.Workflows.Rl;

namespace Augur.Tests.Rl;

/// <summary>
/// A rollout engine that drafts tokens (speculative decoding, as NeMo-RL's DeepSeek-V3 recipes run DeepSeek's MTP head)
/// verifies the drafts in each decode step and keeps the accepted ones, so a response takes fewer, slightly larger steps.
/// </summary>
public class RlSpeculativeRolloutTests
{
    static string Yaml(string generator) =>
        "workload: rl\nmodel: llama3.1-8b\nhardware: h100-sxm\ncluster: {gpus: 8}\nprecision: bf16\nrl:\n  prompts_per_step: 16\n  samples_per_prompt: 8\n"
        + "  prompt_tokens: {mean: 128}\n  response_tokens: {mean: 896, max: 896}\n  verifier: {kind: rule, cpu_seconds: 0.01, cpu_cores: 8}\n"
        + $"  generator: {{{generator}}}\n  trainer: {{pp: 2}}\n";

    static RlEstimate Estimate(string generator) => RlWorkflow.Estimate(Scenarios.FromYaml(Yaml(generator)), CatalogStore.Default).Estimate;

    [Fact]
    public void One_draft_accepted_at_0_85_yields_1_85_tokens_a_step_and_divides_the_decode_steps_by_it()
    {
        var plain = Estimate("tp: 1");
        var drafted = Estimate("tp: 1, draft_tokens: 1, acceptance: 0.85");
        // (1 − α^(γ+1)) / (1 − α) with γ = 1, α = 0.85: 1 + 0.85.
        Assert.Equal(1.85, drafted.Generation.Model.TokensPerStep, 12);
        // Constant lengths: 16 × 8 = 128 samples on 8 tp1 replicas, 16 each in one batch, every response 896 tokens:
        // one prefill per prompt, then 895 tokens in 895 plain steps or 895 / 1.85 verify steps.
        var p = plain.Generation.Rollout;
        var d = drafted.Generation.Rollout;
        Assert.Equal(p.Batch, d.Batch);
        var l = plain.Generation.Layout;
        double plainStep = plain.Generation.Model.DecodeStep(l, p.Batch, 128 + 448).Total.Value;
        double verifyStep = drafted.Generation.Model.DecodeStep(l, d.Batch, 128 + 448).Total.Value;
        Assert.True(verifyStep >= plainStep, "a verify step checks two tokens per sequence");
        double prefill = p.Work - 895 * plainStep;
        Assert.Equal(prefill + 895 / 1.85 * verifyStep, d.Work, 1e-6 * d.Work);
        Assert.True(drafted.Phases.Generation < plain.Phases.Generation);
    }

    [Theory]
    [InlineData("tp: 1, acceptance: 0.85", "test.yaml.rl.generator.acceptance: is the chance a drafted token is accepted, but draft_tokens is 0 or missing; add draft_tokens or remove acceptance")]
    [InlineData("tp: 1, draft_tokens: 1, acceptance: 1.2", "test.yaml.rl.generator.acceptance: must be in [0, 1), got 1.2")]
    public void Acceptance_without_drafts_or_out_of_range_is_refused_in_one_line(string generator, string message)
    {
        var e = Assert.Throws<InputException>(() => Scenarios.FromYaml(Yaml(generator)));
        Assert.Equal(message, e.Message);
    }
}
