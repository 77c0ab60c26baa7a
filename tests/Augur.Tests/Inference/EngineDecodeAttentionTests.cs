using Augur.Catalog.Loading;
using Augur.CostModels.Compute;
using Augur.CostModels.Operators;
using Augur.Domain.Hardware;
using Augur.Domain.Models;
using Augur.Domain.Workloads;
using Augur.Units;
using Xunit;

namespace Augur.Tests.Inference;

/// <summary>
/// SGLang's and vLLM's own decode attention (catalog/measurements/{h100,h200}-aiconfigurator-{sglang,vllm}-*, NVIDIA's
/// serving-configurator tables) timing serving's decoding queries: the measured time's ratio to the ideal roofline over
/// (sequence, KV head) pairs and keys. Rows quoted from the H200 SGLang attention.csv; H200: 4.8 TB/s, 989.4 BF16 TFLOP/s.
/// </summary>
public class EngineDecodeAttentionTests
{
    static InferenceJob Job(string engine, string hardware) => EngineLinearTests.Job(engine, hardware, "bf16");

    static DeviceRates Rates(string engine, string accelerator, Precision kv = Precision.BF16)
    {
        var job = EngineLinearTests.Job(engine, accelerator, "bf16", kv == Precision.BF16 ? "bf16" : "fp8");
        var a = CatalogStore.Default.Accelerator(accelerator);
        return new DeviceRates(a, CatalogStore.Default.Calibration(a), Precision.BF16, kv, engine: job.EngineLinear is { } k ? EngineLinear.Of(k) : null);
    }

    /// <summary>A layer of 32 query heads over 4 KV heads of 128 (the table's 32/4 rows), one GPU.</summary>
    static readonly LayerCost Layer = new(new ModelSpec
    {
        Name = "32/4 heads", Layers = 1, Hidden = 4096, Heads = 32, KvHeads = 4, HeadDim = 128, Ffn = 4096, Vocab = 1, GatedMlp = true,
    }, 2, 2);

    /// <summary>
    /// The attention time of <paramref name="sequences"/> decoding sequences reading <paramref name="keys"/> 16-bit keys
    /// each, plus <paramref name="prompt"/> prompt tokens attending <paramref name="promptKeys"/> keys each.
    /// </summary>
    static double Attention(in DeviceRates r, double sequences, double keys, double prompt = 0, double promptKeys = 512)
    {
        double tokens = sequences + prompt;
        var shape = new LayerShape
        {
            Tokens = tokens, FullContext = (sequences * keys + prompt * promptKeys) / tokens, WindowContext = 0, Tp = 1, DecodeShare = sequences / tokens,
            DecodeSequences = sequences, DecodeKeys = keys, KvBytesPerLayer = new Bytes(sequences * keys * 4 * 256 * 2),
        };
        return Layer.Dense(r, shape).Attention.Value;
    }

    [Fact]
    public void A_measured_row_comes_back_on_its_own_chip()
    {
        // decode,1024 sequences,32 heads,4 KV heads,256 keys: 222.776 µs on the H200, the only row at 4096 pairs and 256 keys.
        Assert.Equal(222.776e-6, Attention(Rates("sglang", "h200"), 1024, 256), 12);
    }

    [Fact]
    public void The_h100_takes_the_h200_table_on_its_own_bandwidth()
    {
        // SGLang's H100 SXM table replays one weight copy (L2), so the H200's stands for the die. The 222.776 µs row reads
        // memory (118.84 µs of bytes against 4.3 µs of FLOPs on the ideal), so on the H100 it scales by 4.8 / 3.35 TB/s.
        Assert.Equal("h200-aiconfigurator-sglang-0.5.6.post2", Job("sglang", "h100-sxm").EngineLinear!.Set.Id);
        Assert.Equal(222.776e-6 * 4.8 / 3.35, Attention(Rates("sglang", "h100-sxm"), 1024, 256), 12);
    }

    [Fact]
    public void Between_rows_the_ratio_is_interpolated_in_log_keys()
    {
        // 1024 sequences × 4 KV heads: 64 keys in 161.502 µs, 256 keys in 222.776 µs. Both read memory: bytes =
        // 1024·keys·4·256·2 (K and V) + 1024·32·512·2 (queries) = 2,097,152·keys + 33,554,432, over 4.8 TB/s: 34.953 µs
        // and 118.840 µs (the FLOPs, 16,384·1024·keys / 989.4 TFLOP/s, are 1.1 and 4.3 µs). Ratios 4.6206 and 1.8746;
        // at 128 keys, halfway in log keys, 3.2476 × 62.915 µs = 204.32 µs.
        static double Ideal(double keys) => (2097152 * keys + 33554432) / 4.8e12;
        double expected = Ideal(128) * (161.502e-6 / Ideal(64) + 222.776e-6 / Ideal(256)) / 2;
        Assert.Equal(204.32e-6, expected, 8);
        Assert.Equal(expected, Attention(Rates("sglang", "h200"), 1024, 128), 12);
    }

    [Fact]
    public void Prompt_tokens_in_the_same_pass_take_the_engines_prompt_table()
    {
        // The 222.776 µs decode row plus one 1,024-token prompt (its queries attend 512.5 keys on average, so its length reads
        // back as 2·512.5 − 1 = 1024) over 32 heads: the grid point (32 sequence-head pairs, 1024 tokens), where the table has
        // four rows (batch x heads 4x8/1, 2x16/2, 1x32/4, 1x32/8: 50.3648, 39.8080, 40.2992, 44.5008 µs). Each ideal is
        // compute-bound: 32·2·256·524,800 pairs = 8.5983e9 FLOPs over 989.4 TFLOP/s = 8.6904 µs (the bytes, 35.65-37.75 MB,
        // take 7.43-7.86 µs). Ratios 5.7954, 4.5807, 4.6372, 5.1207, averaged 5.0335; the prompt's own ideal is the same
        // 8.6904 µs (FLOPs 16,384·1024·512.5; bytes 1024·(32·512 + 4·256)·2 = 35,651,584), so it takes 43.743 µs.
        double ideal = 32.0 * 2 * 256 * (1024 * 1025 / 2) / 989.4e12;
        double ratio = (50.3648e-6 + 39.8080e-6 + 40.2992e-6 + 44.5008e-6) / 4 / ideal;
        Assert.Equal(43.743e-6, ideal * ratio, 9);
        Assert.Equal(222.776e-6 + ideal * ratio, Attention(Rates("sglang", "h200"), 1024, 256, prompt: 1024, promptKeys: 512.5), 12);
    }

    [Fact]
    public void Prompt_tokens_keep_the_fused_attention_roofline_where_the_set_serves_no_prompt_rows()
    {
        // TensorRT-LLM's H200 set serves prompt rows but not its decode rows: the decoding queries of this pass take the
        // calibrated roofline instead, while a prompt-free pass keeps the roofline altogether.
        var cal = CatalogStore.Default.Calibration(CatalogStore.Default.Accelerator("h200"));
        double decode = Math.Max(16384.0 * 1024 * 256 * (1 + cal.AttentionRowOverheadTokens / 256) / (989.4e12 * cal.Attention(Precision.BF16)),
            (1024.0 * 256 * 4 * 256 * 2 + 1024.0 * 32 * 512 * 2) / (4.8e12 * cal.MemoryEfficiency)) + cal.KernelOverhead.Value;
        Assert.Equal(decode, Attention(Rates("trtllm", "h200"), 1024, 256), 12);
    }

    [Fact]
    public void A_cell_the_table_did_not_measure_takes_its_keys_column_at_the_nearest_measured_pairs()
    {
        // Ratios 2 and 1 at 10 keys (1 and 4 pairs), 3 at 100 keys for 1 pair only: (4 pairs, 100 keys) is held at 3.
        var grid = RatioGrid.Of([(1, 10, 2.0), (4, 10, 1.0), (1, 100, 3.0)]);
        Assert.Equal(3.0, grid.Ratio(4, 100), 12);
        Assert.Equal(3.0, grid.Ratio(2, 100), 12);
        // Halfway in log pairs at 10 keys: (2 + 1) / 2; halfway in log keys too: (1.5 + 3) / 2.
        Assert.Equal(1.5, grid.Ratio(2, 10), 12);
        Assert.Equal(2.25, grid.Ratio(2, Math.Sqrt(1000)), 12);
    }

    [Fact]
    public void Only_the_named_engine_on_the_measured_chip_with_a_16_bit_cache_uses_it()
    {
        Assert.Equal("h200-aiconfigurator-sglang-0.5.6.post2", Job("sglang", "h200").EngineLinear!.Set.Id);
        Assert.Equal("h100-aiconfigurator-vllm-0.14.0", Job("vllm", "h100-sxm").EngineLinear!.Set.Id);
        Assert.NotNull(Rates("vllm", "h200").DecodeAttention);
        // An 8-bit cache runs another kernel; TensorRT-LLM's set has no decode rows; B200 has no SGLang table.
        Assert.Null(Rates("sglang", "h200", Precision.FP8).DecodeAttention);
        Assert.Null(Rates("trtllm", "h200").DecodeAttention);
        Assert.Null(Rates("sglang", "b200").DecodeAttention);
        // A scenario naming no engine is not assumed to run vLLM's kernels.
        var unnamed = Scenarios.FromYaml("""
            workload: inference
            model: llama3.1-8b
            hardware: h200
            cluster: {gpus: 1}
            precision: bf16
            inference: {input_tokens: 128, output_tokens: 128}
            """).Inference!;
        Assert.Null(unnamed.EngineLinear);
    }

    [Fact]
    public void Rl_rollouts_run_vllms_kernels_on_the_generators_chip()
    {
        var s = Scenarios.FromYaml("""
            workload: rl
            model: llama3.1-8b
            hardware: dgx-h100
            cluster: {gpus: 8}
            precision: bf16
            rl:
              algorithm: grpo
              prompts_per_step: 8
              samples_per_prompt: 8
              prompt_tokens: {mean: 128}
              response_tokens: {mean: 512}
              verifier: {kind: rule, cpu_seconds: 0.01, cpu_cores: 8}
              placement: colocated
              generator: {tp: 1}
              trainer: {tp: 1}
            """);
        Assert.Equal("h100-aiconfigurator-vllm-0.14.0", s.Rl!.Generator.EngineLinear!.Set.Id);
    }
}
