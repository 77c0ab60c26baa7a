using Augur.Catalog.Loading;
using Augur.CostModels.Inference;
using Augur.Domain;
using Augur.Domain.Hardware;
using Augur.Domain.Frameworks;
using Augur.Domain.Workloads;
using Augur.Units;
using Xunit;

namespace Augur.Tests.Inference;

/// <summary>
/// Engines that run a prefill iteration alone (SGLang without --enable-mixed-chunk, vLLM V0 without chunked prefill):
/// every running sequence waits out each prefill iteration, which reads the weights again.
/// </summary>
public class PrefillAloneTests
{
    static readonly InferenceLayout One = new(Tp: 1, Pp: 1, Ep: 1, DpAttention: 1, Replicas: 1);

    static (InferenceModel Model, InferenceEstimate Estimate) Estimate(bool mixed)
    {
        var job = new InferenceJob
        {
            InputTokens = 1000, OutputTokens = 500, Concurrency = 64,
            Limits = ServingLimits.Default with { HostPerSequence = Seconds.Zero, MixedPrefill = mixed },
        };
        var (m, _) = InferenceModelTests.Build("llama3.1-8b", "dgx-h100", 1, job, Precision.BF16);
        return (m, m.Estimate(One, TestRun.At(2.0)));
    }

    [Fact]
    public void A_prompt_alone_costs_its_own_iteration_over_the_prompts_it_holds()
    {
        var (m, alone) = Estimate(mixed: false);
        // 64 sequences of 499 decode tokens: λ = 64 / (499 + 1) = 0.128 prompts per decode step; an iteration that has
        // any holds k = λ / (1 − e^−λ) of them; each costs that iteration, weights read again, over k.
        double lambda = 64.0 / 500, k = lambda / -double.ExpM1(-lambda);
        Assert.Equal(1.06536, k, 5);
        double iteration = m.Iteration(One, k * 1000, k * 1000 * 500.5, 0, 0, k).Total.Value;
        Assert.Equal(iteration / k, alone.PrefillPerPrompt.Value, 12);
        // Its first token waits for no decode: the queueing-free TTFT is the prompt's own iteration.
        Assert.Equal(m.PrefillAlone(One).Total.Value, alone.Ttft.Value, 12);
    }

    [Fact]
    public void Prefilling_alone_is_slower_than_sharing_the_step_and_its_first_token_faster()
    {
        var (_, mixed) = Estimate(mixed: true);
        var (_, alone) = Estimate(mixed: false);
        // The decode step itself is the same pass; what differs is what each prompt adds and whom its iteration carries.
        Assert.Equal(mixed.DecodeStep.Total.Value, alone.DecodeStep.Total.Value, 15);
        // A mixed prompt rides a step that streams the 16 GB of weights anyway; alone it streams them again (16.06 GB
        // at 0.85 × 3.35 TB/s ≈ 5.6 ms), so it adds at least that much more per prompt.
        Assert.True(alone.PrefillPerPrompt.Value - mixed.PrefillPerPrompt.Value > 5e-3, $"{alone.PrefillPerPrompt.Value} vs {mixed.PrefillPerPrompt.Value}");
        Assert.True(alone.Tpot.Value > mixed.Tpot.Value);
        Assert.True(alone.Ttft.Value < mixed.Ttft.Value);
    }

    [Fact]
    public void Scenario_sets_it_and_sglang_defaults_to_it()
    {
        static ServingLimits Limits(string extra) => InferenceScenario.Read(extra).Limits;
        Assert.True(Limits("").MixedPrefill);
        Assert.False(Limits(", engine: vllm, mixed_prefill: false").MixedPrefill);
        Assert.False(Limits(", engine: sglang").MixedPrefill);
        Assert.True(Limits(", engine: sglang, mixed_prefill: true").MixedPrefill);
        var e = Assert.Throws<InputException>(() => Limits(", mixed_prefill: sometimes"));
        Assert.Contains("mixed_prefill", e.Message);
        Assert.DoesNotContain("\n", e.Message);
    }
}
