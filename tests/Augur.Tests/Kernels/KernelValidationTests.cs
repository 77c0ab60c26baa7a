using System.Text.Json;
using Augur.Catalog.Files;
using Augur.Catalog.Loading;
using Augur.CostModels.Compute;
using Augur.CostModels.Validation;
using Augur.Domain;
using Augur.Domain.Hardware;
using Augur.Tests.Cli;
using Augur.Units;

namespace Augur.Tests.Kernels;

/// <summary>The operator model against kernels measured on a lent H100 and H200 (catalog/measurements).</summary>
public class KernelValidationTests
{
    static readonly CatalogStore Catalog = CatalogStore.Default;

    static KernelValidation For(string id)
    {
        var set = Catalog.Measurements.Single(s => s.Id == id);
        var a = Catalog.Accelerator(set.AcceleratorId);
        return KernelValidator.Validate(set, a, Catalog.Calibration(a));
    }

    [Fact]
    public void Every_set_ships_with_its_provenance_and_every_table()
    {
        Assert.Equal(["b200-aiconfigurator-trtllm-1.2.0rc5", "b300-aiconfigurator-trtllm-1.3.0rc10", "gb200-aiconfigurator-vllm-0.14.0", "h100-2026-11-26", "h100-2026-11-26b",
            "h100-aiconfigurator-sglang-0.5.6.post2", "h100-aiconfigurator-vllm-0.14.0", "h200-2026-11-26", "h200-2026-11-26b",
            "h200-aiconfigurator-sglang-0.5.6.post2", "h200-aiconfigurator-trtllm-1.2.0rc5", "h200-aiconfigurator-vllm-0.14.0"], Catalog.Measurements.Select(s => s.Id));
        foreach (var s in Catalog.Measurements.Where(s => !s.Id.Contains("aiconfigurator", StringComparison.Ordinal)))
        {
            Assert.StartsWith("measured on", s.Source);
            Assert.Contains("tools/measure/hopper_kernels.py", s.Source);
            Assert.True(Catalog.TryAccelerator(s.AcceleratorId, out _), s.AcceleratorId);
            // 9 shapes x 13 batch sizes in BF16, 9 x 11 in FP8 (the FP8 kernel needs m >= 16), 28 batched DeepSeek expert
            // GEMMs; the later H200 set adds 36 small-expert ones (Qwen3, Mixtral: 6 shapes x 6 batch sizes).
            Assert.Equal(117 + 99 + 28 + (s.Id == "h200-2026-11-26b" ? 36 : 0), s.Gemms.Count);
            Assert.InRange(s.Attention.Count(x => x.Phase == AttentionPhase.Prefill), 12, 20);
            Assert.NotEmpty(s.Sustained);
        }
    }

    [Fact]
    public void A_large_bf16_gemm_is_predicted_by_the_calibrated_roofline()
    {
        // 8192^3 BF16 on H100: 2·8192³ = 1.0995e12 FLOP at 989.4 TFLOP/s × 0.68 = 1.6342 ms, plus the kernel overhead.
        var v = For("h100-2026-11-26");
        var r = v.Results.Single(x => x.Group == "gemm bf16" && x.Label.StartsWith("m=8192 n=8192 k=8192", StringComparison.Ordinal));
        var cal = Catalog.Calibration(v.Accelerator);
        double expected = 2.0 * Math.Pow(8192, 3) / (989.4e12 * 0.68) + cal.KernelOverhead.Value;
        Assert.Equal(expected, r.Predicted.Value, 1e-9);
        Assert.Equal(1.63227e-3, r.Measured.Value, 1e-8); // gemm.csv line 91
    }

    [Theory]
    [InlineData("h100-2026-11-26")]
    [InlineData("h100-2026-11-26b")]
    [InlineData("h200-2026-11-26")]
    [InlineData("h200-2026-11-26b")]
    public void Gemms_are_within_an_eighth_on_average_and_wide_ones_within_35_percent(string id)
    {
        var v = For(id);
        var set = Catalog.Measurements.Single(s => s.Id == id);
        // FP8 scatters both ways around its roofline at the measured sustained 0.62 (mean absolute 9.5-13.2% over the four
        // sets, mean signed -4% to 0%; 8.5-11.9% at the 0.64 held until 2026-12-05), so it is held to a seventh, the rest to an eighth.
        foreach (var (g, bound) in new[] { ("gemm bf16", 0.12), ("gemm fp8", 0.14), ("expert gemm bf16 (batched)", 0.12) })
            Assert.InRange(v.Results.Where(x => x.Group == g).Average(x => Math.Abs(x.Error)), 0, bound);
        // Known miss: the narrow N = 1280 QKV projection (Llama 3 70B at TP8) streams its weights at 1.2-2 TB/s, not
        // 0.85 of peak, at small batches (few output tiles over a deep K = 8192 loop), so it runs up to ~2x the
        // roofline. Every wider GEMM stays within 35%.
        var wide = v.Results.Where(x => x.Group.StartsWith("gemm", StringComparison.Ordinal)).Zip(set.Gemms.Where(x => x.Groups == 1)).Where(p => p.Second.N >= 4096).ToList();
        Assert.True(wide.Count > 150);
        Assert.All(wide, p => Assert.InRange(p.First.Error, -0.35, 0.30));
        var big = v.Results.Where(x => x.Group.StartsWith("gemm", StringComparison.Ordinal)).Zip(set.Gemms.Where(x => x.Groups == 1)).Where(p => p.Second.M >= 2048).ToList();
        Assert.NotEmpty(big);
        // The sweep's GEMMs run seconds, not minutes: some ran before the 700 W cap bit (up to 0.79 of peak), while the
        // calibration is the sustained rate, so compute-bound shapes mostly read slow (up to a quarter) and at most a fifth fast.
        Assert.All(big, p => Assert.InRange(p.First.Error, -0.20, 0.25));
    }

    [Theory]
    [InlineData("h100-2026-11-26")]
    [InlineData("h100-2026-11-26b")]
    [InlineData("h200-2026-11-26")]
    [InlineData("h200-2026-11-26b")]
    public void Large_copies_run_at_the_calibrated_memory_efficiency(string id)
    {
        var v = For(id);
        var large = v.Results.Where(x => x.Group == "copy").Where(x => double.Parse(x.Label.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) >= 64).ToList();
        Assert.NotEmpty(large);
        Assert.All(large, x => Assert.InRange(x.Error, -0.15, 0.15));
    }

    [Theory]
    [InlineData("h100-2026-11-26", Precision.BF16, 0.02)]
    [InlineData("h100-2026-11-26", Precision.FP8, 0.03)]
    [InlineData("h100-2026-11-26b", Precision.BF16, 0.02)]
    [InlineData("h100-2026-11-26b", Precision.FP8, 0.03)]
    [InlineData("h200-2026-11-26b", Precision.BF16, 0.02)]
    [InlineData("h200-2026-11-26b", Precision.FP8, 0.04)]
    [InlineData("h200-2026-11-26", Precision.BF16, 0.02)]
    [InlineData("h200-2026-11-26", Precision.FP8, 0.03)]
    public void The_calibrated_gemm_efficiency_is_the_sustained_rate_at_the_power_cap(string id, Precision p, double tolerance)
    {
        var s = For(id).Sustained.Single(x => x.Precision == p);
        Assert.InRange(s.PowerWatts, 680, 710); // at the 700 W limit
        Assert.InRange(s.MeasuredEfficiency - s.CalibratedEfficiency, -tolerance, tolerance);
    }

    [Theory]
    [InlineData("h100-2026-11-26")]
    [InlineData("h100-2026-11-26b")]
    [InlineData("h200-2026-11-26")]
    [InlineData("h200-2026-11-26b")]
    public void Fused_attention_with_its_per_row_work_matches_cudnn_from_1k_to_16k_tokens_and_mla_shapes(string id)
    {
        // A flat efficiency put 1K-token prompts 43% fast (forward) and training's forward+backward 65% fast. The
        // MHA shapes are what the per-row work was fitted to (within 12%); the MLA shapes (128 heads, 192/128 wide)
        // were left out of the fit and land within 20%.
        var v = For(id);
        Assert.All(v.Results.Where(x => x.Group == "prefill attention forward"), x => Assert.InRange(x.Error, -0.12, 0.12));
        Assert.All(v.Results.Where(x => x.Group == "attention forward+backward (training)"), x => Assert.InRange(x.Error, -0.15, 0.15));
        Assert.All(v.Results.Where(x => x.Group.StartsWith("MLA ", StringComparison.Ordinal)), x => Assert.InRange(x.Error, -0.20, 0.20));
    }

    [Fact]
    public void A_chunk_of_queries_over_a_cached_prefix_costs_its_pairs_plus_the_per_row_work()
    {
        // h100-2026-11-26b attention.csv: 8 x 16 heads, 512 queries over 2,048 keys, no mask, 129.072 us on cuDNN.
        // FLOPs 2·8·16·512·2048·(128 + 128) = 68.72 GFLOP; attention rate 989.4 TFLOP/s x 0.66 = 653.0 TFLOP/s,
        // slowed by the per-row work of 384 keys, plus the 2 us per kernel: 68.72e9 / 653.0e12 x (2048 + 384) / 2048 + 2 us
        // = 127.0 us (-1.6%).
        var r = For("h100-2026-11-26b").Results.Single(x => x.Group == "chunk attention (cached prefix)" && x.Label.StartsWith("batch 8 x 16 heads, 512 queries", StringComparison.Ordinal));
        Assert.Equal(129.072e-6, r.Measured.Value, 1e-10);
        Assert.Equal(2.0 * 8 * 16 * 512 * 2048 * 256 / (989.4e12 * 0.66) * (2048 + 384) / 2048 + 2e-6, r.Predicted.Value, 1e-9);
    }

    [Fact]
    public void Chunks_over_a_cached_prefix_were_never_fitted_and_land_within_a_tenth()
    {
        // 11 cuDNN chunks (q = 256-4,096 over k = 2,048-16,384 keys, MHA and MLA) on a second H100; the attention
        // parameters came from the causal MHA rows of the other two sets.
        var chunks = For("h100-2026-11-26b").Results.Where(x => x.Group.EndsWith("chunk attention (cached prefix)", StringComparison.Ordinal)).ToList();
        Assert.Equal(11, chunks.Count);
        Assert.All(chunks, x => Assert.InRange(x.Error, -0.10, 0.10));
    }

    [Fact]
    public void Small_expert_grouped_gemms_follow_the_same_roofline()
    {
        // Many narrow experts (Qwen3-30B-A3B: 128 of d 2048 x FFN 768; Qwen3-235B at EP8: 16 of 4096 x 1536) and a few
        // wide ones (Mixtral: 8 of 4096 x 14336), 1-1,024 tokens each, on the later H200: never fitted, within 15%.
        var rows = For("h200-2026-11-26b").Results.Where(x => x.Group == "expert gemm bf16 (batched)"
            && (x.Label.Contains("qwen3", StringComparison.Ordinal) || x.Label.Contains("mixtral", StringComparison.Ordinal))).ToList();
        Assert.Equal(36, rows.Count);
        Assert.All(rows, x => Assert.InRange(x.Error, -0.15, 0.15));
        Assert.InRange(rows.Average(x => Math.Abs(x.Error)), 0, 0.06);
    }

    [Theory]
    // aiter's asm flash attention, BF16, head dim 128, causal, sequence 8,192 (ROCm/aiter @ 0403bcdf op_tests/cpp/mha/README.md):
    // the mean of its four 8K causal rows (b 4-8, 32-64 heads), forward and FP32-atomic backward, in TFLOP/s. The family
    // fit (forward efficiency and row overhead over every causal row, backward row overhead over 4K-16K) lands within
    // 1% of the forward; the backward's row overhead cannot follow its lower ceiling exactly, so within 6% and 10%.
    [InlineData("mi300x", 543.9, 432.9, 0.06)]
    [InlineData("mi355x", 1316.7, 773.7, 0.10)]
    public void Amd_attention_reproduces_aiters_measured_8k_causal_rates(string part, double forward, double backward, double backwardTolerance)
    {
        var a = Catalog.Accelerator(part);
        var r = new DeviceRates(a, Catalog.Calibration(a), Precision.BF16);
        double keys = 8193 / 2.0, flops = 1e12;
        double forwardSeconds = Roofline.AttentionSeconds(r, flops, 0, keys) - r.KernelOverhead.Value;
        Assert.InRange(flops / forwardSeconds / 1e12 / forward, 0.99, 1.01);
        double backwardRate = Roofline.FlashBackwardFlops * flops / (forwardSeconds * Roofline.FlashBackwardFactor(r, keys)) / 1e12;
        Assert.InRange(backwardRate / backward, 1 - backwardTolerance, 1 + backwardTolerance);
    }

    [Fact]
    public void Attention_backward_costs_more_than_its_flops_on_short_sequences()
    {
        // Hopper: forward rows cost 384 extra keys, backward rows 1080. At 4096 tokens (2048 attended on average):
        // 2.5 · (2048 + 1080) / (2048 + 384) = 3.2155 forward times; at very long context it tends to 2.5.
        var a = Catalog.Accelerator("h100-sxm");
        var r = new Augur.CostModels.Compute.DeviceRates(a, Catalog.Calibration(a), Precision.BF16);
        Assert.Equal(3.2155, Augur.CostModels.Compute.Roofline.FlashBackwardFactor(r, 2048), 4);
        Assert.InRange(Augur.CostModels.Compute.Roofline.FlashBackwardFactor(r, 1e7), 2.5, 2.501);
    }

    [Fact]
    public void A_malformed_measurement_row_names_its_file_and_line()
    {
        var t = new CsvTable("a,b\n1,2\n3,x\n", "measurements/x/gemm.csv");
        var rows = t.Rows.ToList();
        Assert.Equal(1, rows[0].Number("a"));
        var e = Assert.Throws<InputException>(() => rows[1].Number("b"));
        Assert.Equal("measurements/x/gemm.csv line 3: 'b' is 'x', not a number", e.Message);
    }

    [Fact]
    public void A_batched_gemm_without_its_expert_count_names_its_row()
    {
        const string Header = "precision,m,n,k,shape,seconds,tflops,gbps,spread,reps\n";
        var tables = new Dictionary<string, string>
        {
            ["gemm.csv"] = Header + "bf16,16,4096,7168,deepseek-v3 expert gate+up xeight experts (bmm),1e-5,1,1,0,4\n",
            ["memory.csv"] = "kind,bytes,seconds,gbps_read_plus_write,spread\n",
            ["attention.csv"] = "phase,backend,batch,heads,kv_heads,q_len,kv_len,head_dim,fwd_seconds,fwd_tflops,fwd_bwd_seconds,fwd_bwd_tflops,kv_gbps\n",
            ["sustained.csv"] = "precision,elapsed_s,tflops,power_w,sm_clock_mhz,temp_c\n",
        };
        var source = (Augur.Catalog.Files.MappingNode)Augur.Catalog.Files.DataReader.Read(
            "id: x\naccelerator: h100-sxm\ndevice: d\nmeasured_on: today\nsoftware: s\nsource: measured on x\nmethod: m\n", "source.yaml", json: false);
        var e = Assert.Throws<InputException>(() => MeasurementReader.Read("x", source, tables));
        Assert.StartsWith("measurements/x/gemm.csv line 2: batched GEMM", e.Message);
    }

    [Fact]
    public void A_served_moe_table_needs_two_token_counts_per_shape()
    {
        // Serving interpolates a shape's ratio between its token counts: one row of a shape cannot serve.
        var e = ReadServedMoe("bf16,cutlass,16,2048,768,128,8,1,1,1e-4,q\n", "{path: cutlass, precisions: [bf16], includes_routing: true, why: w}");
        Assert.Contains("bf16 cutlass rows of moe.csv need two or more distinct token counts", e.Message);
    }

    [Fact]
    public void A_served_moe_table_says_whether_its_time_holds_the_routing()
    {
        var e = ReadServedMoe("bf16,p,16,2048,768,128,8,1,1,1e-4,q\nbf16,p,64,2048,768,128,8,1,1,2e-4,q\n", "{path: p, precisions: [bf16], why: w}");
        Assert.Contains("includes_routing: say whether the rows' time holds the router's softmax and top-k", e.Message);
    }

    /// <summary>The error reading a one-GEMM set whose moe.csv holds <paramref name="moeRows"/> and whose serves.moe is <paramref name="moe"/>.</summary>
    static InputException ReadServedMoe(string moeRows, string moe)
    {
        var tables = new Dictionary<string, string>
        {
            ["gemm.csv"] = "precision,m,n,k,shape,seconds,tflops,gbps,spread,reps\nbf16,1,4096,4096,a,1e-5,1,1,0,4\nbf16,16,4096,4096,a,1e-5,1,1,0,4\n",
            ["memory.csv"] = "kind,bytes,seconds,gbps_read_plus_write,spread\n",
            ["attention.csv"] = "phase,backend,batch,heads,kv_heads,q_len,kv_len,head_dim,fwd_seconds,fwd_tflops,fwd_bwd_seconds,fwd_bwd_tflops,kv_gbps\n",
            ["sustained.csv"] = "precision,elapsed_s,tflops,power_w,sm_clock_mhz,temp_c\n",
            ["moe.csv"] = "precision,path,tokens,hidden,expert_ffn,experts,top_k,tp,ep,seconds,model\n" + moeRows,
        };
        var source = (Augur.Catalog.Files.MappingNode)Augur.Catalog.Files.DataReader.Read(
            "id: x\naccelerator: h100-sxm\ndevice: d\nmeasured_on: today\nsoftware: s\nsource: measured on x\nmethod: m\n"
            + $"serves: {{accelerators: [h100-sxm], precisions: [bf16], why: w, moe: {moe}}}\n", "source.yaml", json: false);
        return Assert.Throws<InputException>(() => MeasurementReader.Read("x", source, tables));
    }

    [Fact]
    public void A_fused_moe_kernel_handed_its_experts_is_checked_without_the_routers_passes()
    {
        // vLLM's fused_experts takes the top-k from the caller; TensorRT-LLM's layer routes inside. The difference is the
        // router's passes over 64 tokens x 256 fp32 scores: 4 passes x 65,536 B = 262,144 B at 3.35 TB/s x 0.85 (H100 SXM,
        // Hopper memory_efficiency) = 92.06 ns, plus 3 kernels x 2 us (Hopper kernel_overhead_us): 6.0921 us.
        var h100 = CatalogStore.Default.Accelerator("h100-sxm");
        var r = new DeviceRates(h100, CatalogStore.Default.Calibration(h100), Precision.BF16);
        var m = new MoeLayerSample(Precision.BF16, "p", 64, 7168, 2048, 256, 8, 32, 1, "DeepSeek-V3", new Seconds(1e-4));
        double routed = KernelValidator.MoeLayerSeconds(m, r, routing: true), handed = KernelValidator.MoeLayerSeconds(m, r, routing: false);
        Assert.Equal(6.0921e-6, routed - handed, 9);
    }

    [Fact]
    public void Quoted_fields_keep_their_commas()
    {
        var row = new CsvTable("shape,seconds\n\"a, b\",nan\n", "t.csv").Rows.Single();
        Assert.Equal("a, b", row.Text("shape"));
        Assert.True(double.IsNaN(row.Number("seconds")));
    }

    [Fact]
    public void Validate_reports_kernels_in_json_and_lists_them_on_request()
    {
        var (code, output, _) = CliTests.Run("validate", "--json", "--kernels");
        Assert.Equal(0, code);
        var kernels = JsonDocument.Parse(output).RootElement.GetProperty("kernels");
        Assert.Equal(12, kernels.GetArrayLength());
        var h100 = kernels.EnumerateArray().Single(k => k.GetProperty("id").GetString() == "h100-2026-11-26");
        Assert.Equal("h100-sxm", h100.GetProperty("accelerator").GetString());
        Assert.Contains(h100.GetProperty("groups").EnumerateArray(), g => g.GetProperty("group").GetString() == "gemm fp8");
        Assert.True(h100.GetProperty("kernels").GetArrayLength() > 250);
        var (_, table, _) = CliTests.Run("validate");
        Assert.Contains("kernels measured on NVIDIA H100 80GB HBM3", table);
        Assert.Contains("sustained bf16 8192³ GEMM", table);
    }

    [Fact]
    public void The_serving_configurators_tables_ship_with_their_source_and_show_nvfp4_linears_far_below_the_calibrated_rate()
    {
        // ai-dynamo/aiconfigurator @ 095f58a5, TensorRT-LLM 1.2.0rc5 Linear layers: 7 (n, k) x 8 m in BF16, FP8 and NVFP4 on
        // B200, BF16 and FP8 on H200 (its table has no NVFP4).
        // SGLang 0.5.6.post2 and vLLM 0.14.0 on H100 SXM and H200 (vLLM also on GB200, with NVFP4 too: 3 x 56): the same 7 x 8 grid in BF16 and FP8, and 143 decode
        // attention rows each (5 head layouts x 6 batches x 6 cache lengths, less the 37 the collector's memory cap skips).
        // TensorRT-LLM: 2198 decode rows each (7 head layouts x 12 batches x 17 cache lengths x BF16 and FP8 caches, less
        // the memory cap's skips), not served (they read faster than HBM allows; source.yaml).
        foreach (var (id, rows, decode) in new[]
                 {
                     ("b200-aiconfigurator-trtllm-1.2.0rc5", 168, 2198), ("h200-aiconfigurator-trtllm-1.2.0rc5", 112, 2198),
                     ("h100-aiconfigurator-sglang-0.5.6.post2", 112, 143), ("h200-aiconfigurator-sglang-0.5.6.post2", 112, 143),
                     ("h100-aiconfigurator-vllm-0.14.0", 112, 143), ("h200-aiconfigurator-vllm-0.14.0", 112, 143),
                     ("gb200-aiconfigurator-vllm-0.14.0", 168, 143),
                 })
        {
            var set = Catalog.Measurements.Single(s => s.Id == id);
            Assert.Contains("ai-dynamo/aiconfigurator @ 095f58a51c4ca8e61b66ec108d86f223f8d559ce", set.Source);
            Assert.Equal(rows, set.Gemms.Count);
            Assert.Equal(decode, set.DecodeRows.Count());
            Assert.Equal(decode > 0 && id != "h100-aiconfigurator-sglang-0.5.6.post2" && !id.Contains("trtllm", StringComparison.Ordinal), set.Serves?.DecodeAttention == true);
            Assert.Empty(set.FittedGroups);
        }
        // 8192^3 NVFP4 on B200: the roofline at the calibrated 0.70 of 9000 TFLOP/s is 2·8192³ / 6.3e15 = 0.17453 ms, plus
        // Blackwell's 4 us per kernel = 0.17853 ms; TensorRT-LLM's Linear (input quantization included) took 0.287385 ms
        // (gemm.csv line 137: 3826 TFLOP/s, 0.425 of the dense peak), so the roofline is 37.9% fast.
        var v = For("b200-aiconfigurator-trtllm-1.2.0rc5");
        var r = v.Results.Single(x => x.Group == "gemm fp4" && x.Label.StartsWith("m=8192 n=8192 k=8192", StringComparison.Ordinal));
        Assert.Equal(2.0 * Math.Pow(8192, 3) / (9000e12 * 0.70) + 4e-6, r.Predicted.Value, 1e-9);
        Assert.Equal(2.87385e-4, r.Measured.Value, 1e-10);
        Assert.Equal(-0.379, r.Predicted.Value / r.Measured.Value - 1, 3);
    }

    [Fact]
    public void TensorRT_LLMs_context_attention_rows_are_checked_on_the_engines_own_kernel()
    {
        // context_attention_perf.parquet (aiconfigurator @ 095f58a5, TensorRT-LLM 1.2.0rc5 on B200 and H200, 1.3.0rc10 on
        // B300), BF16 queries and cache, 5 head layouts x 16 prompt lengths x up to 9 batches, less the collector's memory
        // cap: 550 rows on B200 and H200, 595 on B300, each checked under "prefill attention forward (trtllm)", though no
        // cuDNN row is among them.
        foreach (var (id, rows) in new[] { ("b200-aiconfigurator-trtllm-1.2.0rc5", 550), ("h200-aiconfigurator-trtllm-1.2.0rc5", 550), ("b300-aiconfigurator-trtllm-1.3.0rc10", 595) })
        {
            Assert.Equal(rows, Catalog.Measurements.Single(s => s.Id == id).Attention.Count(s => s.Phase == AttentionPhase.Prefill));
            Assert.Equal(rows, For(id).Results.Count(x => x.Group == "prefill attention forward (trtllm)"));
        }
        // attention.csv: prefill,trtllm,8,32,4,16384,16384,128,128,0.0153465 (15.34647 ms in the source): batch 8 of 16,384
        // tokens, 32 heads of 128: 4 x 8 x 32 x 128 x 16384 x 16385 / 2 = 1.7593e13 FLOPs, 1.146 PFLOP/s, 0.51 of B200's
        // 2,250 TFLOP/s dense BF16 peak.
        var row = For("b200-aiconfigurator-trtllm-1.2.0rc5").Results.Single(x => x.Group == "prefill attention forward (trtllm)" && x.Label == "batch 8 x 32/4 heads, 16384 tokens, 128/128 wide");
        Assert.Equal(0.0153465, row.Measured.Value, 10);
        Assert.Equal(0.51, 4.0 * 8 * 32 * 128 * 16384 * 16385 / 2 / row.Measured.Value / 2250e12, 2);
    }

    [Fact]
    public void The_fused_moe_layer_tables_ship_and_are_checked_per_precision_and_path()
    {
        // moe_perf.parquet (aiconfigurator @ 095f58a5, TensorRT-LLM 1.2.0rc5), balanced rows at tp1 ep1, tp1 ep8 and tp8 ep1,
        // 8 token counts: B200 6 shapes x 3 layouts in BF16, FP8 and NVFP4 CUTLASS (136 rows each: the table has no tp8 rows
        // of Qwen3-30B-A3B) plus 112 min-latency NVFP4 (no Kimi K2: the path takes at most 256 experts); H200 BF16 and FP8
        // (136 each).
        var b200 = Catalog.Measurements.Single(s => s.Id == "b200-aiconfigurator-trtllm-1.2.0rc5");
        Assert.Equal(136 * 3 + 112, b200.MoeLayers.Count);
        Assert.Equal(136 * 2, Catalog.Measurements.Single(s => s.Id == "h200-aiconfigurator-trtllm-1.2.0rc5").MoeLayers.Count);
        Assert.All(Catalog.Measurements.Where(s => !s.Id.Contains("aiconfigurator", StringComparison.Ordinal)), s => Assert.Empty(s.MoeLayers));
        // moe.csv: fp4,cutlass,1024,2048,768,128,8,1,1,0.000212683,Qwen3-30B-A3B (0.212683 ms in the source).
        var row = b200.MoeLayers.Single(m => m is { Precision: Precision.FP4, Path: "cutlass", Tokens: 1024, Hidden: 2048, Tp: 1, Ep: 1 });
        Assert.Equal((768, 128, 8, "Qwen3-30B-A3B"), (row.ExpertFfn, row.Experts, row.TopK, row.Label));
        Assert.Equal(212.683e-6, row.Measured.Value, 12);
        // Each row is checked on the calibrated rates, and where the set also times the engine's Linear layers on its chip
        // (B200: BF16 and NVFP4; H200: BF16) a second time with the experts costed from that table; and the CUTLASS rows, the
        // path serving takes (serves.moe), a third time from the other shapes' measured ratios.
        var groups = For("b200-aiconfigurator-trtllm-1.2.0rc5").Results.Where(r => r.Group.StartsWith("moe layer", StringComparison.Ordinal))
            .GroupBy(r => r.Group).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(new Dictionary<string, int>
        {
            ["moe layer bf16 cutlass"] = 136, ["moe layer bf16 cutlass, engine Linear table"] = 136, ["moe layer fp8 cutlass"] = 136,
            ["moe layer fp4 cutlass"] = 136, ["moe layer fp4 cutlass, engine Linear table"] = 136,
            ["moe layer fp4 min-latency"] = 112, ["moe layer fp4 min-latency, engine Linear table"] = 112,
            ["moe layer bf16 cutlass, from the other measured shapes"] = 136, ["moe layer fp8 cutlass, from the other measured shapes"] = 136,
            ["moe layer fp4 cutlass, from the other measured shapes"] = 136,
        }, groups);
    }
}
