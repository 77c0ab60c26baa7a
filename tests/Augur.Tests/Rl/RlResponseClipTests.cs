using Augur.CostModels.Rl;
using Augur.Domain.Workloads;

namespace Augur.Tests.Rl;

/// <summary>
/// The rollout's serving job sees response lengths after clipping at the generation limit. For log-normal L with
/// σ² = ln(1 + cv²), μ = ln(mean) − σ²/2 and limit M, writing z = (ln M − μ)/σ and Φ̄ = 1 − Φ:
///   E[min(L, M)]  = mean·Φ(z − σ) + M·Φ̄(z)
///   E[min(L, M)²] = mean²·(1 + cv²)·Φ(z − 2σ) + M²·Φ̄(z)
/// (the partial moments E[Lⁿ; L &lt; M] = E[Lⁿ]·Φ(z − nσ)).
/// </summary>
public class RlResponseClipTests
{
    /// <summary>cv = √(e − 1) makes σ = 1; with the limit at the mean, z = 1/2.</summary>
    static readonly RlLengths Binding = new(2000, Math.Sqrt(Math.E - 1), 2000);

    [Fact]
    public void Clipping_that_binds_shrinks_the_mean_and_the_spread()
    {
        // Φ(−0.5) = 0.308538, Φ(−1.5) = 0.066807 (normal table). E[X]/mean = Φ(−0.5) + Φ̄(0.5) = 0.617075;
        // E[X²]/mean² = e·0.066807 + 0.308538 = 0.490138; cv² = 0.490138/0.617075² − 1 = 0.287191, cv = 0.535901.
        var (mean, cv) = ResponseCurve.Clipped(Binding);
        Assert.Equal(0.617075 * 2000, mean, 1.0);
        Assert.Equal(0.535901, cv, 0.002);
    }

    [Fact]
    public void Clipping_that_does_not_bind_keeps_the_mean_and_the_spread()
    {
        // cv 0.5: σ = √ln 1.25 = 0.472381; mean 500, limit 4096: z = (ln 4096 − ln 500 + 0.111572)/σ = 4.689, so
        // Φ̄(z) ≈ 1.4e-6 and the second moment loses Φ̄(z − 2σ) = Φ̄(3.744) ≈ 9e-5 of itself: mean 500, cv 0.5 to 1e-4.
        var (mean, cv) = ResponseCurve.Clipped(new RlLengths(500, 0.5, 4096));
        Assert.Equal(500, mean, 1.0);
        Assert.Equal(0.5, cv, 0.002);
    }

    [Fact]
    public void The_rollout_reserves_KV_for_the_clipped_lengths_and_constant_lengths_are_unchanged()
    {
        var s = Scenarios.FromYaml(RlTestYaml);
        var job = s.Rl! with { Response = Binding };
        var serving = RlGeneration.JobOf(job, job.Generator, 0.9, ResponseCurve.Of(job.Response, job.Samples));
        // Reserved output per sequence mean·(1 + cv²) = E[X²]/E[X] = 0.490138/0.617075·2000 = 1588.6 tokens, under the
        // 2000-token limit; the unclipped spread would have reserved 2000·e = 5436.6.
        Assert.InRange(serving.OutputTokens, 1233, 1235);
        Assert.Equal(1588.6, serving.OutputTokens * (1 + serving.OutputTokensCv * serving.OutputTokensCv), 3.0);
        var fixedJob = s.Rl with { Response = new RlLengths(3000, 0, 4096) };
        var constant = RlGeneration.JobOf(fixedJob, fixedJob.Generator, 0.9, ResponseCurve.Of(fixedJob.Response, fixedJob.Samples));
        Assert.Equal((3000, 0.0), (constant.OutputTokens, constant.OutputTokensCv));
    }

    const string RlTestYaml = "workload: rl\nmodel: qwen3-32b\nhardware: h100-sxm\ncluster: {gpus: 16}\nprecision: bf16\nrl:\n  algorithm: grpo\n"
        + "  prompts_per_step: 64\n  samples_per_prompt: 8\n  prompt_tokens: {mean: 512, max: 1024}\n  response_tokens: {mean: 2000, spread: 1, max: 4096}\n"
        + "  verifier: {kind: rule, cpu_seconds: 0.1, cpu_cores: 64}\n  placement: disaggregated\n  generator: {gpus: 8, tp: 4}\n  trainer: {gpus: 8, tp: 8}\n  steps: 1\n";
}
