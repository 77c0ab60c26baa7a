using Augur.Catalog.Loading;
using Augur.CostModels.Inference;
using Augur.Domain;
using Augur.Domain.Frameworks;
using Augur.Domain.Hardware;
using Augur.Domain.Workloads;
using Augur.Units;
using Xunit;

namespace Augur.Tests.Inference;

/// <summary>
/// Serving engines' scheduler defaults, as read from each engine's source (catalog/frameworks), and trtllm-bench's
/// sizing rule worked by hand.
/// </summary>
public class EngineLimitsTests
{
    static ServingLimits Limits(string engine, string accelerator) =>
        CatalogStore.Default.ServingEngine(engine).For(CatalogStore.Default.Accelerator(accelerator))!;

    /// <summary>
    /// Eager decode's host time per layer for vLLM and SGLang (catalog/frameworks/vllm.yaml): sgl-project/sglang PR #1401's
    /// Llama-3-8B batch-1 eager step, 8.23 ms, less the 1 ms per-iteration overhead, over its 32 layers = 225.9, 226 µs.
    /// </summary>
    static readonly Seconds Eager = Seconds.FromMicroseconds(226);
    /// <summary>A latent-attention layer's: SGLang PR #1401's DeepSeek-Coder-V2-Lite row, (4 × 6.22 ms − 1 ms) / 27 layers.</summary>
    static readonly Seconds EagerMla = Seconds.FromMicroseconds(884);

    /// <summary>TensorRT-LLM's executor host time (catalog/frameworks/trtllm.yaml: 27.19 µs per sequence on x86, overlapped with the GPU).</summary>
    static ServingLimits Trt(ServingLimits l) => l with { HostPerSequence = Seconds.FromMicroseconds(27.19), HostOverlapsGpu = true };

    [Fact]
    public void Vllm_serve_gives_large_gpus_1024_sequences_and_8192_tokens_and_a100_the_small_defaults()
    {
        // vllm/engine/arg_utils.py @ 99d7eb5d: >= 70 GiB and not 'a100' -> 1024 / 8192; otherwise 256 / 2048; every tier with
        // the synchronous scheduler's 19.5 µs per sequence (EngineHostTimeTests).
        static ServingLimits Vllm(int batch, int tokens) => new("vllm", batch, tokens) { HostPerSequence = Seconds.FromMicroseconds(19.5), EagerHostPerLayer = Eager, EagerHostPerMlaLayer = EagerMla };
        Assert.Equal(Vllm(1024, 8192), Limits("vllm", "h100-sxm"));
        Assert.Equal(Vllm(1024, 8192), Limits("vllm", "b200"));
        Assert.Equal(Vllm(256, 2048), Limits("vllm", "a100-sxm-80g"));
        Assert.Equal(Vllm(256, 2048), Limits("vllm", "tpu-v5e"));
        // The code-built default is vllm serve on a large GPU.
        Assert.Equal(ServingLimits.Default, Limits("vllm", "h200"));
    }

    [Fact]
    public void Trtllm_serve_and_sglang_take_their_own_defaults()
    {
        // llm_args.py @ 0004396: max_batch_size 2048, max_num_tokens 8192.
        Assert.Equal(Trt(new ServingLimits("trtllm", 2048, 8192)), Limits("trtllm", "h100-sxm"));
        // server_args.py: chunked_prefill_size 8192 below 160 GiB, 16384 above; no fixed running-request cap; prefill
        // batches run alone (enable_mixed_chunk False); Gated DeltaNet state in its own pool, 0.9 of the KV pool's size, 5
        // slots a running request (mamba_full_memory_ratio, the extra_buffer prefix cache).
        var pool = new LinearStatePool(5, 0.9);
        Assert.Equal(new ServingLimits("sglang", null, 8192) { EagerHostPerLayer = Eager, EagerHostPerMlaLayer = EagerMla, MixedPrefill = false, StatePool = pool }, Limits("sglang", "h200"));
        Assert.Equal(new ServingLimits("sglang", null, 16384) { EagerHostPerLayer = Eager, EagerHostPerMlaLayer = EagerMla, MixedPrefill = false, StatePool = pool }, Limits("sglang", "b200"));
        Assert.Null(Limits("vllm", "h200").StatePool);
        // vLLM V1 and TensorRT-LLM put prompts and decodes in one iteration.
        Assert.True(Limits("vllm", "h200").MixedPrefill);
        Assert.True(Limits("trtllm", "h200").MixedPrefill);
    }

    [Fact]
    public void Unknown_engine_is_refused_in_one_line()
    {
        var e = Assert.Throws<InputException>(() => Scenarios.FromYaml("""
            workload: inference
            model: llama3.1-8b
            hardware: h100-sxm
            cluster: {gpus: 1}
            inference: {input_tokens: 128, output_tokens: 128, engine: tgi}
            """));
        // Begins with the key's path in its file, as every other scenario error does.
        Assert.Equal("test.yaml.inference.engine: unknown engine 'tgi'; use one of sglang, trtllm, trtllm-bench, vllm", e.Message);
    }

    static InferenceJob Job(string inference) => Scenarios.FromYaml(
        "workload: inference\nmodel: llama3.1-8b\nhardware: h100-sxm\ncluster: {gpus: 1}\n" +
        $"inference: {{input_tokens: 128, output_tokens: 128, {inference}}}\n").Inference!;

    [Fact]
    public void A_scenario_may_set_the_engines_batch_and_token_limits_as_its_launch_command_would()
    {
        // vLLM on H100 defaults to 1024 sequences and 8192 tokens; --max-num-seqs 600 keeps its 8192 tokens and its host time.
        Assert.Equal(new ServingLimits("vllm", 600, 8192) { HostPerSequence = Seconds.FromMicroseconds(19.5), EagerHostPerLayer = Eager, EagerHostPerMlaLayer = EagerMla }, Job("engine: vllm, max_batch: 600").Limits);
        Assert.Equal(Trt(new ServingLimits("trtllm", 512, 256)), Job("engine: trtllm, max_batch: 512, max_num_tokens: 256").Limits);
        // trtllm-bench stops sizing itself once both are given.
        Assert.Equal(Trt(new ServingLimits("trtllm-bench", 3072, 9216)), Job("engine: trtllm-bench, max_batch: 3072, max_num_tokens: 9216").Limits);
        // Unset, the engine's defaults stand.
        Assert.Equal(Trt(new ServingLimits("trtllm", 2048, 8192)), Job("engine: trtllm").Limits);
    }

    [Theory]
    [InlineData("engine: trtllm-bench, max_batch: 512", "test.yaml.inference: trtllm-bench sizes max_batch and max_num_tokens itself unless both are given")]
    [InlineData("max_batch: 0", "test.yaml.inference.max_batch:")]
    [InlineData("max_num_tokens: -5", "test.yaml.inference.max_num_tokens:")]
    public void Engine_limits_out_of_range_or_half_given_to_trtllm_bench_are_refused(string inference, string start)
    {
        var e = Assert.Throws<InputException>(() => Job(inference));
        Assert.StartsWith(start, e.Message);
    }

    [Fact]
    public void A_quoted_empty_engine_is_refused_not_read_as_unset()
    {
        // engine: "" names no engine; it used to read as if the key were absent and silently took the generic defaults.
        var e = Assert.Throws<InputException>(() => Scenarios.FromYaml("""
            workload: inference
            model: llama3.1-8b
            hardware: h100-sxm
            cluster: {gpus: 1}
            inference: {input_tokens: 128, output_tokens: 128, engine: ""}
            """));
        Assert.StartsWith("test.yaml.inference.engine: unknown engine ''", e.Message);
    }

    [Theory]
    [InlineData("model: llama9-8b\nhardware: h100-sxm", "test.yaml.model: unknown model 'llama9-8b'")]
    [InlineData("model: llama3.1-8b\nhardware: h100-sxn", "test.yaml.hardware: unknown hardware 'h100-sxn'")]
    [InlineData("model: llama3.1-8b\nhardware: h100-sxm\nsystem: dgx-h10", "test.yaml.system: unknown system 'dgx-h10'")]
    [InlineData("model: llama3.1-8b\nhardware: {base: h100-sxn, hbm_gb: 96}", "test.yaml.hardware.base: unknown accelerator 'h100-sxn'")]
    public void Unknown_catalog_names_begin_with_their_key(string head, string start)
    {
        var e = Assert.Throws<InputException>(() => Scenarios.FromYaml($"workload: inference\n{head}\ncluster: {{gpus: 1}}\ninference: {{input_tokens: 128, output_tokens: 128}}\n"));
        Assert.StartsWith(start, e.Message);
    }

    // Llama 3.1 70B as trtllm-bench sees it: 80 attention layers, 8 KV heads of 128, FP8 KV (1 byte), NVFP4 weights (0.5 byte),
    // 70.6e9 parameters, on a B200 (180 GiB), kv_cache_free_gpu_mem_fraction 0.95, tp1 pp1.
    // KV GiB per token = 2 x 80 x 8 x 128 x 1 / 2^30 = 1.52588e-4; engine = 70.6e9 x 0.5 / 2^30 = 32.876 GiB;
    // cache = (180 - 32.876) x 0.95 = 139.768 GiB.
    static (int, int) Bench(int input, int output, int pp = 1)
    {
        var m = CatalogStore.Default.Model("llama3.1-70b").Spec;
        return BenchSizing.Settings(new BenchTuning(4096, 32768), m, 70.6e9, CatalogStore.Default.Accelerator("b200"),
            Precision.FP4, Precision.FP8, 1, pp, 0.95, input, output);
    }

    [Fact]
    public void Trtllm_bench_sizes_a_short_request_from_the_kv_cache()
    {
        // 128/128: 139.768 / (1.52588e-4 x 256) = 3578.1 requests -> batch 256 x ceil(13.98) = 3584;
        // tokens min(3578.1 x 2, 32768) = 7156.2 -> 512 x ceil(13.98) = 7168 (above 128 + 3584).
        Assert.Equal((3584, 7168), Bench(128, 128));
    }

    [Fact]
    public void Trtllm_bench_sizes_a_long_prompt_and_keeps_a_whole_prompt_in_one_iteration()
    {
        // 2048/128: 139.768 / (1.52588e-4 x 2176) = 420.9 -> batch 128 x 4 = 512; tokens 420.9 x 17 = 7156 -> 7168.
        Assert.Equal((512, 7168), Bench(2048, 128));
        // 20000/2000: 41.64 requests -> batch max(64, 32 x 2) = 64; tokens 41.64 x 11 = 458 -> 2048, but chunked prefill
        // is off, so max_num_tokens is at least the prompt + max_batch_size = 20064.
        Assert.Equal((64, 20064), Bench(20000, 2000));
    }

    [Fact]
    public void Trtllm_bench_caps_the_batch_at_4096_and_splits_it_over_stages()
    {
        // 128/128 over two stages: the GPU count doubles the memory (2 x 180 - 32.876) x 0.95 = 310.77 GiB -> 7955.8 requests,
        // capped at 4096 and split over pp = 2: 2048 per micro-batch; tokens 2048 x 2 = 4096 -> 512 x 8 = 4096.
        Assert.Equal((2048, 4096), Bench(128, 128, pp: 2));
    }

    [Fact]
    public void A_scenario_naming_trtllm_bench_caps_its_batch_with_the_bench_sizing()
    {
        var (_, model, layout, estimate) = Scenarios.Serving(BenchScenario(""));
        // At 2048/128 the bench's batch (512, from its own KV estimate) is the cap, and 7168 tokens the prefill budget.
        Assert.Equal(7168, model.PrefillChunkTokens(layout));
        Assert.True(estimate.Concurrency <= model.EngineBatchCap(layout));
        Assert.Equal(512, model.EngineBatchCap(layout));
    }
    [Fact]
    public void A_scenarios_own_batch_and_token_limits_replace_the_bench_sizing()
    {
        var (_, model, layout, estimate) = Scenarios.Serving(BenchScenario(", max_batch: 100, max_num_tokens: 4096"));
        // The bench would take 512 and 7168 here (the test above); the scenario's own settings win.
        Assert.Equal(100, model.EngineBatchCap(layout));
        Assert.Equal(4096, model.PrefillChunkTokens(layout));
        Assert.True(estimate.Concurrency <= 100);
    }

    /// <summary>Llama 3.1 70B in NVFP4 on one B200 under trtllm-bench at 2048/128, with <paramref name="extra"/> inference keys.</summary>
    static string BenchScenario(string extra) =>
        "workload: inference\nmodel: llama3.1-70b\nhardware: b200\ncluster: {gpus: 1}\nprecision: fp4\nparallelism: {tp: 1, pp: 1}\n" +
        $"inference: {{input_tokens: 2048, output_tokens: 128, kv_precision: fp8, memory_fraction: 0.95, engine: trtllm-bench{extra}}}\n";
}
