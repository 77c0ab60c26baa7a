using Augur.Domain;
using Augur.Domain.Hardware;

namespace Augur.Tests.Inference;

/// <summary>
/// Weight-only quantization (inference.weight_precision, expert_weight_precision): weights stored narrower than the GEMM
/// that dequantizes them, as gpt-oss-120b ships (MXFP4 routed experts; attention, router, embedding and LM head BF16,
/// per the checkpoint's quantization_config) and runs on Hopper, which has no FP4 tensor cores.
/// </summary>
public class WeightOnlyQuantizationTests
{
    const string GptOss = "workload: inference\nmodel: gpt-oss-120b\nhardware: h100-sxm\ncluster: {gpus: 1}\nprecision: bf16\nparallelism: {tp: 1}\n";

    [Fact]
    public void Block_scales_set_the_bits_per_weight()
    {
        // OCP MX v1.0: 32 FP4 values share one 8-bit scale; AWQ/GPTQ: 128 INT4 values share one fp16 scale.
        Assert.Equal(4.25, WeightFormat.Mxfp4.BitsPerWeight);
        Assert.Equal(4.125, WeightFormat.Int4.BitsPerWeight);
        Assert.True(WeightFormat.TryParse("nvfp4", out var nv));
        Assert.Equal(4.5, nv.BitsPerWeight);
    }

    [Fact]
    public void Gpt_oss_120b_with_mxfp4_experts_holds_65_GB_of_weights()
    {
        // Routed experts: 36 layers × 128 experts × 3 · 2880 · 2880 = 114,661,785,600 weights at 4.25 bits = 60,914,073,600 B.
        // The rest in BF16: per layer attention 2·2880·4096 + 2·2880·512 = 26,542,080, two norms 5,760, router 2880·128 =
        // 368,640 (26,916,480 × 36 = 968,993,280); embedding and LM head 2 × 201,088 · 2880 = 1,158,266,880; final norm
        // 2,880: 2,127,263,040 weights × 2 B = 4,254,526,080 B. Total 65,168,599,680 B.
        var s = Scenarios.Serving(GptOss + "inference: {input_tokens: 1000, output_tokens: 100, concurrency: 1, expert_weight_precision: mxfp4}\n");
        Assert.Equal(65_168_599_680.0, s.Model.WeightsPerGpu(s.Layout).Value, 1.0);
        Assert.True(s.Estimate.Fits, "65 GB of weights fit an 80 GB H100");
    }

    [Fact]
    public void A_decode_step_reads_the_packed_experts_and_multiplies_at_bf16()
    {
        // One sequence: each of the 36 layers reads its BF16 attention (53,084,160 B), norms (11,520 B) and router
        // (737,280 B) and the 4 experts the token visits in MXFP4 (4 × 24,883,200 × 4.25/8 = 52,876,800 B): 106,709,760 B;
        // × 36 = 3,841,551,360 B, plus the BF16 LM head and final norm 1,158,272,640 B = 4,999,824,000 B. At the H100's
        // 3.35 TB/s that read alone takes 1.49 ms.
        var mx = Scenarios.Serving(GptOss + "inference: {input_tokens: 1000, output_tokens: 100, concurrency: 1, expert_weight_precision: mxfp4}\n").Estimate.DecodeStep;
        Assert.Equal(4_999_824_000.0, mx.WeightBytes.Value, 1e-9 * mx.WeightBytes.Value);
        Assert.Equal(1.4925e-3, mx.WeightBytes.Value / 3.35e12, 1e-6);
        // BF16 experts read 16 bits instead of 4.25 for the same 36 × 4 experts; the FLOPs run at the BF16 rate either way.
        var bf16 = Scenarios.Serving(GptOss + "inference: {input_tokens: 1000, output_tokens: 100, concurrency: 1}\n").Estimate.DecodeStep;
        Assert.Equal(36.0 * 4 * 24_883_200 * (2 - 4.25 / 8), bf16.WeightBytes.Value - mx.WeightBytes.Value, 1.0);
        Assert.Equal(bf16.HardwareFlops.Value, mx.HardwareFlops.Value, 1e-9 * mx.HardwareFlops.Value);
        Assert.Equal(bf16.FlopBound.Value, mx.FlopBound.Value, 1e-15);
    }

    [Fact]
    public void Int4_weights_shrink_every_layer_but_not_the_lm_head()
    {
        // Llama 3.1 8B W4A16 (AWQ, group 128): each of the 32 layers' 218,112,000 weights (attention 2·4096·4096 +
        // 2·4096·1024, MLP 3·4096·14336, two norms 2·4096) go from 2 B to 4.125/8 B; the embedding, LM head and final
        // norm stay BF16.
        const string Llama = "workload: inference\nmodel: llama3.1-8b\nhardware: h100-sxm\ncluster: {gpus: 1}\nprecision: bf16\nparallelism: {tp: 1}\n";
        var bf16 = Scenarios.Serving(Llama + "inference: {input_tokens: 1000, output_tokens: 100, concurrency: 1}\n");
        var int4 = Scenarios.Serving(Llama + "inference: {input_tokens: 1000, output_tokens: 100, concurrency: 1, weight_precision: int4}\n");
        double layers = 32 * (2.0 * 4096 * 4096 + 2.0 * 4096 * 1024 + 3.0 * 4096 * 14336 + 2 * 4096);
        Assert.Equal(layers * (2 - 4.125 / 8), bf16.Model.WeightsPerGpu(bf16.Layout).Value - int4.Model.WeightsPerGpu(int4.Layout).Value, 1.0);
    }

    [Theory]
    [InlineData("precision: bf16\n", "expert_weight_precision: fp8, expert_precision: fp4", "inference.expert_precision: h100-sxm has no fp4 tensor cores")]
    [InlineData("precision: fp8\n", "weight_precision: bf16", "inference.weight_precision: bf16 weights are wider than the fp8 GEMMs that use them (precision)")]
    [InlineData("precision: bf16\n", "weight_precision: int3", "inference.weight_precision: unknown weight format 'int3'; use bf16, fp16, fp8, fp4 (nvfp4), mxfp4 or int4")]
    [InlineData("precision: fp4\n", "weight_precision: int4", "to serve fp4 weights through wider GEMMs, set 'precision' to one of those and inference.weight_precision: fp4")]
    public void Weight_formats_are_checked_against_the_gemms(string precision, string keys, string expected)
    {
        var e = Assert.Throws<InputException>(() => Scenarios.FromYaml("workload: inference\nmodel: gpt-oss-120b\nhardware: h100-sxm\ncluster: {gpus: 8}\n" + precision
            + "inference: {input_tokens: 100, output_tokens: 10, " + keys + "}\n"));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Expert_weight_precision_needs_routed_experts()
    {
        var e = Assert.Throws<InputException>(() => Scenarios.FromYaml("workload: inference\nmodel: llama3.1-8b\nhardware: h100-sxm\ncluster: {gpus: 1}\n"
            + "inference: {input_tokens: 100, output_tokens: 10, expert_weight_precision: mxfp4}\n"));
        Assert.Contains("inference.expert_weight_precision: llama3.1-8b has no routed experts", e.Message);
    }

    [Fact]
    public void The_estimate_names_the_stored_formats()
    {
        var (code, output, _) = Augur.Tests.Cli.CliTests.Run("estimate", Augur.Tests.Cli.CliTests.Temp(GptOss + "inference: {input_tokens: 1000, output_tokens: 100, concurrency: 8, expert_weight_precision: mxfp4}\n"));
        Assert.Equal(0, code);
        Assert.Contains("weights bf16 (experts mxfp4 on bf16 GEMMs)", output);
        var (_, json, _) = Augur.Tests.Cli.CliTests.Run("estimate", Augur.Tests.Cli.CliTests.Temp(GptOss + "inference: {input_tokens: 1000, output_tokens: 100, concurrency: 8, expert_weight_precision: mxfp4}\n"), "--json");
        var request = System.Text.Json.JsonDocument.Parse(json).RootElement.GetProperty("request");
        Assert.Equal("mxfp4", request.GetProperty("expert_weight_precision").GetString());
        Assert.Equal("bf16", request.GetProperty("weight_precision").GetString());
    }
}
