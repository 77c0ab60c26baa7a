using Augur.CostModels.Analysis;
using Augur.CostModels.Inference;
using Augur.Domain;

namespace Augur.Tests.Inference;

/// <summary>Routed experts stored and multiplied at their own precision (inference.expert_precision), as NVFP4 MoE checkpoints do.</summary>
public class ExpertPrecisionTests
{
    const string Head = "workload: inference\nmodel: deepseek-v3\nhardware: gb200-nvl72\ncluster: {gpus: 8}\nprecision: fp8\nparallelism: {tp: 1, ep: 8, dp_attention: 8}\n";

    [Fact]
    public void Fp4_experts_shrink_only_the_routed_experts_weights()
    {
        // DeepSeek-V3 on 8 GPUs: each holds 1/8 of the 58 MoE layers' routed experts. FP8 stores 1 + 4/128² bytes per
        // weight (a scale per 128×128 block), NVFP4 4.5 bits (a scale per 16): only that share of the weights changes.
        var fp8 = Scenarios.Serving(Head + "inference: {input_tokens: 2000, output_tokens: 100, concurrency: 64}\n");
        var mixed = Scenarios.Serving(Head + "inference: {input_tokens: 2000, output_tokens: 100, concurrency: 64, expert_precision: fp4}\n");
        double routedPerGpu = ParameterCounter.Count(fp8.S.Model).RoutedExperts / 8;
        double saved = fp8.Model.WeightsPerGpu(fp8.Layout).Value - mixed.Model.WeightsPerGpu(mixed.Layout).Value;
        Assert.Equal(routedPerGpu * (1 + 4.0 / (128 * 128) - 4.5 / 8), saved, 1e-6 * saved);
        Assert.InRange(routedPerGpu, 80e9, 84e9); // 58 layers × 256 experts × 3 × 7168 × 2048 / 8
    }

    [Fact]
    public void Fp4_experts_cut_the_expert_gemms_but_not_attention()
    {
        // A prefill pass is compute-bound: the experts' GEMMs run at the FP4 rate, attention and the projections stay FP8.
        var fp8 = Scenarios.Serving(Head + "inference: {input_tokens: 2000, output_tokens: 100}\n");
        var mixed = Scenarios.Serving(Head + "inference: {input_tokens: 2000, output_tokens: 100, expert_precision: fp4}\n");
        var allFp4 = Scenarios.Serving(Head.Replace("precision: fp8", "precision: fp4", StringComparison.Ordinal) + "inference: {input_tokens: 2000, output_tokens: 100}\n");
        double a = fp8.Model.PrefillIteration(fp8.Layout, out _).Total.Value;
        double b = mixed.Model.PrefillIteration(mixed.Layout, out _).Total.Value;
        double c = allFp4.Model.PrefillIteration(allFp4.Layout, out _).Total.Value;
        Assert.True(c < b && b < a, $"fp4 everywhere {c}, fp4 experts {b}, fp8 {a}");
    }

    [Fact]
    public void Only_the_routed_experts_read_move_and_multiply_at_the_expert_precision()
    {
        // A decode step of 64 sequences on 8 GB200s (EP8): the same FLOPs either way; the routed experts' share of them
        // is timed at the FP4 rate (10,000 TFLOP/s × 0.70) instead of FP8 (5,000 × 0.53), their touched weights are read
        // at 4.5 bits instead of 8 (plus scales), and tokens are dispatched in 4 bits. Shared experts, attention and the
        // router stay FP8.
        var fp8 = Scenarios.Serving(Head + "inference: {input_tokens: 2000, output_tokens: 100, concurrency: 64}\n").Estimate.DecodeStep;
        var fp4 = Scenarios.Serving(Head + "inference: {input_tokens: 2000, output_tokens: 100, concurrency: 64, expert_precision: fp4}\n").Estimate.DecodeStep;
        Assert.Equal(fp8.HardwareFlops.Value, fp4.HardwareFlops.Value, 1e-9 * fp8.HardwareFlops.Value);
        double r8 = 5000e12 * 0.53, r4 = 10000e12 * 0.70;
        Assert.Equal(fp8.HardwareFlops.Value / r8, fp8.FlopBound.Value, 1e-9 * fp8.FlopBound.Value);
        // 58 MoE layers × 2 · (64 tokens · 8 experts / 8 ranks × the busiest rank's share) · 3 matrices · 7168 · 2048.
        double expertFlops = 58 * 2 * 64 * fp8.ExpertImbalance * 3 * 7168.0 * 2048;
        Assert.Equal(expertFlops * (1 / r8 - 1 / r4), fp8.FlopBound.Value - fp4.FlopBound.Value, 1e-6 * fp8.FlopBound.Value);
        // Each GPU reads the experts its tokens touch: 256·(1 − (1 − 8/256)^64)/8 of them per layer, 3·7168·2048 weights each.
        double touched = Augur.CostModels.Operators.ExpertRouting.DistinctExperts(256, 8, 64) / 8;
        Assert.Equal(58 * touched * 3 * 7168.0 * 2048 * (1 + 4.0 / (128 * 128) - 4.5 / 8), fp8.WeightBytes.Value - fp4.WeightBytes.Value, 1e-6 * fp8.WeightBytes.Value);
        Assert.True(fp4.ExpertParallel.Value < fp8.ExpertParallel.Value, "4-bit dispatch moves fewer bytes");
    }

    [Theory]
    [InlineData("model: llama3.1-70b\nhardware: gb200-nvl72\n", "inference.expert_precision: llama3.1-70b has no routed experts")]
    [InlineData("model: deepseek-v3\nhardware: h100-sxm\n", "inference.expert_precision: h100-sxm has no fp4 tensor cores; choose one of:")]
    public void Expert_precision_needs_experts_and_the_tensor_cores(string modelAndHardware, string expected)
    {
        var e = Assert.Throws<InputException>(() => Scenarios.FromYaml("workload: inference\n" + modelAndHardware +
            "cluster: {gpus: 8}\nprecision: fp8\ninference: {input_tokens: 100, output_tokens: 10, expert_precision: fp4}\n"));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void The_estimate_says_which_precision_the_experts_run_at()
    {
        var (code, output, _) = Augur.Tests.Cli.CliTests.Run("estimate", Augur.Tests.Cli.CliTests.Temp(Head + "inference: {input_tokens: 2000, output_tokens: 100, concurrency: 64, expert_precision: fp4}\n"));
        Assert.Equal(0, code);
        Assert.Contains("weights fp8 (experts fp4)", output);
        var (_, json, _) = Augur.Tests.Cli.CliTests.Run("estimate", Augur.Tests.Cli.CliTests.Temp(Head + "inference: {input_tokens: 2000, output_tokens: 100, output_tokens_cv: 1.5, concurrency: 64, expert_precision: fp4}\n"), "--json");
        var request = System.Text.Json.JsonDocument.Parse(json).RootElement.GetProperty("request");
        Assert.Equal("fp4", request.GetProperty("expert_precision").GetString());
        Assert.Equal("fp8", request.GetProperty("precision").GetString());
        Assert.Equal(1.5, request.GetProperty("output_tokens_cv").GetDouble());
        Assert.Equal(2000, request.GetProperty("input_tokens").GetInt32());
    }
}
