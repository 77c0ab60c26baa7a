using Augur.Catalog.Loading;
using Augur.CostModels.Compute;
using Augur.Domain.Hardware;
using Augur.Domain.Workloads;
using Xunit;

namespace Augur.Tests.Inference;

/// <summary>
/// TensorRT-LLM's own fused MoE layer (moe.csv of catalog/measurements/b200-aiconfigurator-trtllm-1.2.0rc5, NVIDIA's
/// serving-configurator table) timing serving's routed experts: the measured time's ratio to the layer's ideal roofline,
/// interpolated in log expert visits on the nearest measured shape. Rows quoted from moe.csv; B200: 9,000 dense FP4
/// TFLOP/s, 8 TB/s (catalog/accelerators/b200.yaml); NVFP4 weights 0.5625 bytes with their scales, 16-bit activations.
/// </summary>
public class EngineMoeTests
{
    static readonly CatalogStore Catalog = CatalogStore.Default;

    /// <summary>A one-GPU serving job of <paramref name="model"/> at <paramref name="p"/> on <paramref name="engine"/>, whose kernel tables the tests read.</summary>
    static InferenceJob Job(string engine, string accelerator, Precision p, string model = "qwen3-30b-a3b") =>
        Scenarios.FromYaml($$"""
            workload: inference
            model: {{model}}
            hardware: {{accelerator}}
            cluster: {gpus: 1}
            precision: {{p.Label()}}
            inference: {input_tokens: 128, output_tokens: 128, engine: {{engine}}}
            """).Inference!;

    static MeasuredMoe? Moe(string engine, string accelerator, Precision p) =>
        Job(engine, accelerator, p).EngineLinear is { } k ? EngineMoe.Of(k).On(Catalog.Accelerator(accelerator), p) : null;

    /// <summary>Qwen3-30B-A3B's experts (hidden 2048, FFN 768, gated) at NVFP4.</summary>
    static double Qwen(MeasuredMoe m, double visits, double touched, double expertsPerRank) =>
        m.Seconds(visits, touched, 2048, 768, expertsPerRank, 8, 3, 0.5625, 2);

    [Fact]
    public void A_measured_row_comes_back_on_its_own_chip()
    {
        // fp4,cutlass,1024,2048,768,128,8,1,1: 212.683 us for 1024 tokens (8192 visits over all 128 experts).
        Assert.Equal(212.683e-6, Qwen(Moe("trtllm-bench", "b200", Precision.FP4)!, 8192, 128, 128), 10);
    }

    [Fact]
    public void Between_rows_the_ratio_is_interpolated_in_log_visits()
    {
        // Ideal at 1024 tokens: max(2·8192·3·2048·768 / 9e15 = 8.590 us, (128·3·2048·768·0.5625 + 2·8192·2048·2) B / 8 TB/s
        // = 50.856 us); at 4096 tokens 76.022 us; ratios 212.683 / 50.856 = 4.1821 and 525.621 / 76.022 = 6.9141. At 2048
        // tokens (16384 visits, halfway in log) the ideal is 59.245 us and the ratio 5.5481: 328.69 us.
        static double Ideal(double visits) => Math.Max(2 * visits * 3 * 2048 * 768 / 9e15, (128 * 3 * 2048 * 768 * 0.5625 + 2 * visits * 2048 * 2) / 8e12);
        double expected = Ideal(16384) * (212.683e-6 / Ideal(8192) + 525.621e-6 / Ideal(32768)) / 2;
        Assert.Equal(328.69e-6, expected, 8);
        Assert.Equal(expected, Qwen(Moe("trtllm-bench", "b200", Precision.FP4)!, 16384, 128, 128), 12);
    }

    [Fact]
    public void A_served_shape_takes_the_nearest_measured_one()
    {
        // 20 experts per rank sits nearer the ep 8 rows (16 per rank) than the ep 1 rows (128): fp4,cutlass,1024,...,1,8 is
        // 66.3147 us for 1024 visits over 16 experts, and the same visits and touched experts give the same ideal.
        Assert.Equal(66.3147e-6, Qwen(Moe("trtllm-bench", "b200", Precision.FP4)!, 1024, 16, 20), 10);
    }

    [Fact]
    public void Only_the_precisions_and_engines_the_table_stands_for_use_it()
    {
        // The fused layer's FP8 rows are statically scaled, as ModelOpt's FP8 checkpoints run: applied, unlike the FP8 Linear rows.
        Assert.NotNull(Moe("trtllm", "b200", Precision.FP8));
        Assert.NotNull(Moe("trtllm", "h100-sxm", Precision.FP8));
        // The fused layer's BF16 rows serve too; engines with no table keep the roofline.
        Assert.NotNull(Moe("trtllm", "h200", Precision.BF16));
        Assert.Null(Moe("vllm", "b200", Precision.FP4));
    }

    [Fact]
    public void vLLMs_fused_experts_serve_its_16_bit_MoE_layers_on_Hopper_and_the_Blackwell_die()
    {
        // catalog/measurements/h100-aiconfigurator-vllm-0.14.0/moe.csv: bf16,vllm_fused_moe,64,7168,2048,256,8,32,1 is
        // 297.920 us: DeepSeek-V3's experts split 32 ways (64 FFN columns each), 64 tokens x top-8 = 512 visits over all 256.
        var vllm = Moe16("vllm", "h100-sxm")!;
        Assert.Equal(297.920009e-6, vllm.Seconds(512, 256, 7168, 2048.0 / 32, 256, 8, 3, 2, 2), 12);
        // vLLM hands fused_experts the chosen experts: the router's softmax and top-k run beside it, and are costed there.
        Assert.False(vllm.IncludesRouting);
        Assert.True(Moe("trtllm-bench", "b200", Precision.FP4)!.IncludesRouting);
        Assert.NotNull(Moe16("vllm", "b200"));
        Assert.NotNull(Moe16("vllm", "h200"));
    }

    [Fact]
    public void Beside_vLLMs_fused_experts_the_layer_pays_the_routers_passes_and_beside_TensorRT_LLMs_it_does_not()
    {
        // Qwen3-30B-A3B, 4,096 BF16 tokens on one H200 against all 128 experts. Both tables put their layer's time in its
        // GEMM part; only vLLM's leaves the router's passes outside: 4,096 × 128 × 4 B × 4 passes = 8,388,608 B at
        // 4.8 TB/s × 0.85 (nvidia-hopper memory_efficiency), plus 3 kernels × 2 µs.
        var acc = Catalog.Accelerator("h200");
        var model = Catalog.Model("qwen3-30b-a3b").Spec;
        var shape = new Augur.CostModels.Operators.LayerShape
        {
            Tokens = 4096, FullContext = 2048, WindowContext = 2048, Tp = 1, Etp = 1, Kernel = AttentionKernel.Flash,
            ExpertTokenVisits = 32768, ExpertsTouched = 128,
        };
        double Elementwise(string engine)
        {
            var rates = new DeviceRates(acc, Catalog.Calibration(acc), Precision.BF16, moe: EngineMoe.Of(Job(engine, "h200", Precision.BF16).EngineLinear!));
            Assert.NotNull(rates.Moe);
            return new Augur.CostModels.Operators.LayerCost(model, 2.0, 2.0).Moe(rates, shape).Elementwise.Value;
        }
        Assert.Equal(8_388_608 / (4.8e12 * 0.85) + 3 * 2e-6, Elementwise("vllm") - Elementwise("trtllm"), 12);
    }

    [Fact]
    public void A_measured_layer_is_held_to_the_sustained_GEMM_rate_and_a_memory_bound_one_keeps_its_time()
    {
        // Mixtral 8x7B's experts (hidden 4096, FFN 14336, gated, 8 experts, top-2) in TensorRT-LLM's FP8 layer on one H200
        // (h200-aiconfigurator-trtllm-1.2.0rc5/moe.csv). 8,192 tokens are 16,384 visits: 2 x 16,384 x 3 x 4096 x 14336 =
        // 5.7724e12 FLOPs, timed at 3.99493 ms (1,445 TFLOP/s, a burst; FP8 weights stored with their 128 x 128 block scales, as the table's ideal counts them), held to 1,978.9e12 x 0.62 (nvidia-hopper FP8
        // gemm_efficiency) = 1,226.9 TFLOP/s: 4.7048 ms. 64 tokens (128 visits over all 8 experts) are bound by reading
        // the experts' weights: the measured 373.792 us stands.
        var acc = Catalog.Accelerator("h200");
        var rates = new DeviceRates(acc, Catalog.Calibration(acc), Precision.FP8, moe: EngineMoe.Of(Job("trtllm", "h200", Precision.FP8, "mixtral-8x7b").EngineLinear!));
        var layer = new Augur.CostModels.Operators.LayerCost(Catalog.Model("mixtral-8x7b").Spec, activationBytes: 2.0, weightBytes: Precision.FP8.StoredBytesPerWeight());
        double Seconds(double tokens) => layer.FusedMoe(rates, new Augur.CostModels.Operators.LayerShape
        {
            Tokens = tokens, FullContext = 128, WindowContext = 128, Tp = 1, Etp = 1, Kernel = AttentionKernel.Flash,
            ExpertTokenVisits = 2 * tokens, ExpertsTouched = 8,
        }, rates).Gemm.Value;
        Assert.Equal(2.0 * 16384 * 3 * 4096 * 14336 / (1978.9e12 * 0.62), Seconds(8192), 9);
        Assert.Equal(4.7048e-3, Seconds(8192), 6);
        Assert.Equal(373.792e-6, Seconds(64), 9);
    }

    [Fact]
    public void A_measured_linear_layer_is_held_to_the_sustained_GEMM_rate_too()
    {
        // TensorRT-LLM's BF16 Linear on H200 (h200-aiconfigurator-trtllm-1.2.0rc5/gemm.csv): 8192 x 8192 x 8192 in
        // 1.58871 ms (692 TFLOP/s, a burst) is held to 989.4e12 x 0.68 (nvidia-hopper BF16 gemm_efficiency):
        // 2 x 8192^3 / 6.7279e14 = 1.6343 ms. The batch-1 row reads 134 MB of weights in 34.6539 us: memory-bound, kept.
        var acc = Catalog.Accelerator("h200");
        var rates = new DeviceRates(acc, Catalog.Calibration(acc), Precision.BF16, engine: EngineLinear.Of(Job("trtllm", "h200", Precision.BF16, "llama3.1-8b").EngineLinear!));
        Assert.NotNull(rates.Linear);
        Assert.Equal(2.0 * 8192 * 8192 * 8192 / (989.4e12 * 0.68), Roofline.GemmSeconds(rates, 8192, 8192, 8192, 2, 2), 9);
        Assert.Equal(1.6343e-3, Roofline.GemmSeconds(rates, 8192, 8192, 8192, 2, 2), 6);
        Assert.Equal(34.6539e-6, Roofline.GemmSeconds(rates, 1, 8192, 8192, 2, 2), 9);
    }

    static MeasuredMoe? Moe16(string engine, string accelerator) => Moe(engine, accelerator, Precision.BF16);
}
