using Augur.Catalog.Loading;
using Augur.CostModels.Inference;
using Augur.CostModels.Rl;
using Augur.Domain;
using Augur.Domain.Hardware;
using Augur.Domain.Workloads;
using Augur.Units;
using Augur.Workflows.Rl;

namespace Augur.Tests.Inference;

/// <summary>
/// The sampler's passes over the vocabulary (<see cref="SamplerTraffic"/>, counted from vLLM's V1 sampler): random sampling
/// returning each token's log-probability moves 54 B per vocabulary entry per sampled token beyond greedy decoding, random
/// sampling alone 40 B, on the whole vocabulary of every tensor-parallel rank.
/// </summary>
public class SamplerTrafficTests
{
    static readonly InferenceLayout One = new(Tp: 1, Pp: 1, Ep: 1, DpAttention: 1, Replicas: 1);

    static InferenceJob Job(SamplingMode sampling) => new()
    {
        InputTokens = 128, OutputTokens = 128, Sampling = sampling,
        Limits = Domain.Frameworks.ServingLimits.Default with { HostPerSequence = Seconds.Zero },
    };

    [Theory]
    // Llama 3.1 8B (vocabulary 128,256) decoding 256 sequences on one H100 SXM (3.35 TB/s at the test calibration's 0.85,
    // 4 µs a kernel): 256 × 128,256 × 54 B = 1.773011e9 B over 2.8475e12 B/s = 622.655 µs, plus one kernel's 4 µs.
    [InlineData(SamplingMode.RandomWithLogprobs, 626.655e-6)]
    // 40 B an entry: 1.313341e9 B, 461.226 µs + 4 µs.
    [InlineData(SamplingMode.Random, 465.226e-6)]
    public void A_decode_step_pays_the_samplers_passes_over_every_sequences_vocabulary(SamplingMode mode, double extra)
    {
        var (greedy, _) = InferenceModelTests.Build("llama3.1-8b", "dgx-h100", 1, Job(SamplingMode.Greedy), Precision.BF16);
        var (sampled, _) = InferenceModelTests.Build("llama3.1-8b", "dgx-h100", 1, Job(mode), Precision.BF16);
        var g = greedy.DecodeStep(One, 256, 4000);
        var s = sampled.DecodeStep(One, 256, 4000);
        Assert.Equal(extra, s.Compute.Total.Value - g.Compute.Total.Value, 9);
        // Only the elementwise part grows: the GEMMs, attention and the weights read are the greedy step's.
        Assert.Equal(g.Compute.Gemm.Value, s.Compute.Gemm.Value, 12);
        Assert.Equal(g.WeightBytes.Value, s.WeightBytes.Value, 3);
    }

    [Fact]
    public void Serving_reads_the_key_greedy_by_default_and_refuses_an_unknown_mode_in_one_line()
    {
        Assert.Equal(SamplingMode.Greedy, InferenceScenario.Read("").Sampling);
        Assert.Equal(SamplingMode.RandomWithLogprobs, InferenceScenario.Read(", sampling: logprobs").Sampling);
        Assert.Equal(SamplingMode.Random, InferenceScenario.Read(", sampling: random").Sampling);
        var e = Assert.Throws<InputException>(() => InferenceScenario.Read(", sampling: beam"));
        Assert.StartsWith("test.yaml.inference.sampling: unknown mode 'beam'; use greedy", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    static string Rl(string generator) =>
        "workload: rl\nmodel: llama3.1-8b\nhardware: h100-sxm\ncluster: {gpus: 8}\nprecision: bf16\nrl:\n  prompts_per_step: 16\n  samples_per_prompt: 8\n"
        + "  prompt_tokens: {mean: 128}\n  response_tokens: {mean: 896, max: 896}\n  verifier: {kind: rule, cpu_seconds: 0.01, cpu_cores: 8}\n"
        + $"  generator: {{{generator}}}\n  trainer: {{pp: 2}}\n";

    [Fact]
    public void An_rl_rollout_samples_with_log_probabilities_unless_told_otherwise()
    {
        var rl = Scenarios.FromYaml(Rl("tp: 1")).Rl!;
        Assert.Equal(SamplingMode.RandomWithLogprobs, rl.Generator.Sampling);
        Assert.Equal(SamplingMode.Greedy, Scenarios.FromYaml(Rl("tp: 1, sampling: greedy")).Rl!.Generator.Sampling);
        var sampled = RlWorkflow.Estimate(Scenarios.FromYaml(Rl("tp: 1")), CatalogStore.Default).Estimate;
        var greedy = RlWorkflow.Estimate(Scenarios.FromYaml(Rl("tp: 1, sampling: greedy")), CatalogStore.Default).Estimate;
        // The same rollout, each decode step longer by the sampler's passes: the generation phase grows, nothing else.
        Assert.Equal(greedy.Generation.Rollout.Batch, sampled.Generation.Rollout.Batch);
        Assert.True(sampled.Phases.Generation > greedy.Phases.Generation);
        Assert.Equal(greedy.Phases.Training, sampled.Phases.Training);
        var e = Assert.Throws<InputException>(() => Scenarios.FromYaml(Rl("tp: 1, sampling: nucleus")));
        Assert.StartsWith("test.yaml.rl.generator.sampling: unknown mode 'nucleus'", e.Message);
    }
}
