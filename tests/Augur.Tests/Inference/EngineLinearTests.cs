using Augur.Catalog.Loading;
using Augur.CostModels.Compute;
using Augur.Domain.Hardware;
using Augur.Domain.Workloads;
using Xunit;

namespace Augur.Tests.Inference;

/// <summary>
/// TensorRT-LLM's own Linear layers (catalog/measurements/*-aiconfigurator-trtllm-1.2.0rc5, NVIDIA's serving-configurator
/// tables) timing serving's linear layers: the measured time's ratio to the ideal roofline, interpolated in log m and
/// taken on the target chip's own roofline. Rows quoted from gemm.csv; peaks and bandwidths from catalog/accelerators.
/// </summary>
public class EngineLinearTests
{
    static readonly CatalogStore Catalog = CatalogStore.Default;

    /// <summary>A Llama 3.1 70B serving job on 8 of <paramref name="hardware"/> at TP 8, naming <paramref name="engine"/>.</summary>
    internal static InferenceJob Job(string engine, string hardware, string precision = "fp4", string kv = "bf16") => Scenarios.FromYaml($$"""
        workload: inference
        model: llama3.1-70b
        hardware: {{hardware}}
        cluster: {gpus: 8}
        precision: {{precision}}
        parallelism: {tp: 8}
        inference: {input_tokens: 128, output_tokens: 128, kv_precision: {{kv}}, engine: {{engine}}}
        """).Inference!;

    /// <summary>The rates serving's GEMMs get at <paramref name="p"/> on <paramref name="accelerator"/> with the engine's table.</summary>
    static DeviceRates Rates(string engine, string accelerator, Precision p)
    {
        var job = Job(engine, accelerator, p == Precision.FP4 ? "fp4" : "fp8");
        var a = Catalog.Accelerator(accelerator);
        return new DeviceRates(a, Catalog.Calibration(a), p, engine: job.EngineLinear is { } k ? EngineLinear.Of(k) : null);
    }

    static double Linear(in DeviceRates r, double m, double n, double k, Precision p) =>
        Roofline.GemmSeconds(r, m, n, k, p.StoredBytesPerWeight(), 2);

    [Fact]
    public void A_part_derived_with_other_memory_serves_on_its_base_kernels_and_another_die_does_not()
    {
        // HBM, host, power and price lie outside the die: TensorRT-LLM runs the B200's kernels, each on the part's own
        // bandwidth. A changed FP4 peak is another chip, which keeps the calibration.
        Assert.Equal("b200-aiconfigurator-trtllm-1.2.0rc5", Job("trtllm-bench", "{base: b200, hbm_tb_s: 16}").EngineLinear?.Set.Id);
        Assert.Null(Job("trtllm-bench", "{base: b200, dense_tflops: {fp4: 18000}}").EngineLinear);
    }

    [Fact]
    public void A_measured_row_comes_back_on_its_own_chip()
    {
        // fp4,8192,8192,8192: 0.287385 ms on the B200.
        Assert.Equal(0.287385e-3, Linear(Rates("trtllm-bench", "b200", Precision.FP4), 8192, 8192, 8192, Precision.FP4), 9);
    }

    [Fact]
    public void Between_rows_the_ratio_is_interpolated_in_log_m()
    {
        // fp4 n = k = 8192 on the B200 (9,000 TFLOP/s dense FP4): m = 1024 in 44.2733 µs, m = 2048 in 80.732 µs. Both are
        // compute-bound on the ideal roofline (m = 1024: 2·1024·8192² / 9e15 = 15.271 µs against (8192²·0.5625 +
        // 1024·16384·2) B / 8 TB/s = 8.913 µs), ratios 44.2733 / 15.271 = 2.8992 and 80.732 / 30.542 = 2.6433. At
        // m = √(1024·2048) = 1448.15, halfway in log m: ratio 2.7712 × 2·1448.15·8192² / 9e15 = 21.596 µs → 59.849 µs.
        static double Ideal(double m) => 2 * m * 8192.0 * 8192 / 9000e12;
        double m = Math.Sqrt(1024.0 * 2048);
        double expected = Ideal(m) * (44.2733e-6 / Ideal(1024) + 80.732e-6 / Ideal(2048)) / 2;
        Assert.Equal(59.849e-6, expected, 9);
        Assert.Equal(expected, Linear(Rates("trtllm-bench", "b200", Precision.FP4), m, 8192, 8192, Precision.FP4), 12);
    }

    [Fact]
    public void A_sibling_chip_takes_the_ratio_on_its_own_peak_and_bandwidth()
    {
        // GB200 is the B200's die at 10,000 dense FP4 TFLOP/s: the compute-bound 8192³ row scales by 9,000 / 10,000.
        Assert.Equal(0.287385e-3 * 0.9, Linear(Rates("trtllm-bench", "gb200", Precision.FP4), 8192, 8192, 8192, Precision.FP4), 9);
        // H100 SXM is the H200's die with 3.35 TB/s for 4.8: bf16,1,8192,8192 (34.6539 µs on the H200) is a weight read
        // ((8192²·2 + 16384·2) B / 4.8 TB/s = 27.97 µs ideal against 0.14 µs of FLOPs), so it scales by 4.8 / 3.35.
        Assert.Equal(34.6539e-6 * 4.8 / 3.35, Linear(Rates("trtllm-bench", "h100-sxm", Precision.BF16), 1, 8192, 8192, Precision.BF16), 11);
    }

    [Fact]
    public void Only_the_engines_chips_and_precisions_the_table_stands_for_use_it()
    {
        Assert.Equal("b200-aiconfigurator-trtllm-1.2.0rc5", Job("trtllm-bench", "gb200").EngineLinear!.Set.Id);
        Assert.Equal("h200-aiconfigurator-trtllm-1.2.0rc5", Job("trtllm", "h100-sxm", "fp8").EngineLinear!.Set.Id);
        // Blackwell Ultra has its own table (B300 and GB300 are one die), not B200's.
        Assert.Equal("b300-aiconfigurator-trtllm-1.3.0rc10", Job("trtllm-bench", "b300").EngineLinear!.Set.Id);
        Assert.Equal("b300-aiconfigurator-trtllm-1.3.0rc10", Job("trtllm", "gb300").EngineLinear!.Set.Id);
        // vLLM's GB200 table stands for the Blackwell die (B200 too); SGLang has none there, and chips no table stands for
        // keep the calibration.
        Assert.Equal("gb200-aiconfigurator-vllm-0.14.0", Job("vllm", "b200").EngineLinear!.Set.Id);
        Assert.Null(Job("sglang", "b200").EngineLinear);
        Assert.Null(Job("trtllm-bench", "a100-sxm-80g", "bf16").EngineLinear);
        // FP8 rows quantize the input dynamically, the served FP8 checkpoints statically: not applied.
        Assert.Null(Rates("trtllm-bench", "h200", Precision.FP8).Linear);
        Assert.Null(Rates("trtllm-bench", "b200", Precision.FP8).Linear);
        Assert.NotNull(Rates("trtllm-bench", "h200", Precision.BF16).Linear);
    }

    [Fact]
    public void Without_a_table_a_gemm_keeps_the_calibrated_roofline()
    {
        // vllm on a B200: max(2mnk / (9,000 TFLOP/s × the calibrated FP4 efficiency), bytes / (8 TB/s × memory efficiency))
        // plus one kernel's fixed time.
        var a = Catalog.Accelerator("b200");
        var cal = Catalog.Calibration(a);
        var r = Rates("vllm", "b200", Precision.FP4);
        Assert.Null(r.Linear);
        double flops = 2.0 * 8192 * 8192 * 8192 / (9000e12 * cal.Gemm(Precision.FP4));
        double bytes = (8192.0 * 8192 * 0.5625 + 2 * 8192.0 * 8192 * 2) / (8e12 * cal.MemoryEfficiency);
        Assert.Equal(Math.Max(flops, bytes) + cal.KernelOverhead.Value, Linear(r, 8192, 8192, 8192, Precision.FP4), 15);
    }
}
