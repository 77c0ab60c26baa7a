using Augur.Catalog.Loading;
using Augur.Domain;
using Augur.Export;
using Augur.Workflows;

namespace Augur.Tests.Export;

/// <summary>Serving exports checked against values worked out by hand from the scenario.</summary>
public class ServingExportTests
{
    [Fact]
    public void Deepseek_with_data_parallel_attention_in_each_engines_terms()
    {
        // 32 GPUs: tp 1 x dp_attention 32 attention replicas, experts over all 32 (ep 32); 64 sequences per engine.
        var sglang = ExportCases.Written(ExportCases.Export("deepseek-v3-serving", "sglang"));
        Assert.Equal("deepseek-ai/DeepSeek-V3", sglang["--model-path"]);
        Assert.Equal("32", sglang["--tp-size"]);
        Assert.Equal("32", sglang["--dp-size"]);
        Assert.Equal("", sglang["--enable-dp-attention"]);
        Assert.Equal("32", sglang["--ep-size"]);
        Assert.Equal("2500", sglang["--context-length"]);
        Assert.Equal("64", sglang["--max-running-requests"]);
        Assert.Equal("0.9", sglang["--mem-fraction-static"]);
        Assert.Equal("bf16", sglang["--kv-cache-dtype"]);
        Assert.Equal("fp8", sglang["--quantization"]);

        var vllm = ExportCases.Written(ExportCases.Export("deepseek-v3-serving", "vllm"));
        Assert.Equal("1", vllm["--tensor-parallel-size"]);
        Assert.Equal("32", vllm["--data-parallel-size"]);
        Assert.Equal("", vllm["--enable-expert-parallel"]);
        // vLLM caps each data-parallel rank: 64 / 32 = 2.
        Assert.Equal("2", vllm["--max-num-seqs"]);
        Assert.Equal("2500", vllm["--max-model-len"]);
        // bf16 cache beside fp8 weights is the activations' dtype: 'auto'.
        Assert.Equal("auto", vllm["--kv-cache-dtype"]);

        var trtllm = ExportCases.Written(ExportCases.Export("deepseek-v3-serving", "trtllm"));
        Assert.Equal("32", trtllm["tensor_parallel_size"]);
        Assert.Equal("true", trtllm["enable_attention_dp"]);
        Assert.Equal("32", trtllm["moe_expert_parallel_size"]);
        Assert.Equal("1", trtllm["moe_tensor_parallel_size"]);
        Assert.Equal("2", trtllm["max_batch_size"]);
    }

    [Fact]
    public void Trtllm_gives_the_cache_its_share_of_the_memory_left_after_loading()
    {
        var s = ExportCases.Scenario("llama3-70b-two-replicas");
        var m = EstimateWorkflow.Inference(s, CatalogStore.Default).MemoryPerGpu;
        double hbm = s.Cluster.Accelerator.HbmCapacity.Value, held = (m.Weights + m.Activations + m.Runtime).Value;
        double expected = Math.Round((0.85 * hbm - held) / (hbm - held), 3);
        var w = ExportCases.Written(ExportCases.Export("llama3-70b-two-replicas", "trtllm"));
        Assert.Equal(expected, double.Parse(w["kv_cache_config.free_gpu_memory_fraction"], System.Globalization.CultureInfo.InvariantCulture), 3);
        Assert.InRange(expected, 0.5, 0.85);
        Assert.Equal("fp8", w["kv_cache_config.dtype"]);
        Assert.Equal("32", w["max_batch_size"]);
        Assert.Equal("1200", w["max_seq_len"]);
    }

    [Fact]
    public void Replicas_are_instances_of_one_engine()
    {
        var e = ExportCases.Export("llama3-70b-two-replicas", "vllm");
        var launch = Assert.Single(e.Launches);
        Assert.Equal(2, launch.Instances);
        Assert.Equal(4, launch.GpusEach);
        Assert.Equal("vllm serve meta-llama/Llama-3.1-70B-Instruct", launch.Program);
        var w = ExportCases.Written(e);
        Assert.Equal("4", w["--tensor-parallel-size"]);
        Assert.Equal("32", w["--max-num-seqs"]);
        Assert.Equal("0.85", w["--gpu-memory-utilization"]);
        Assert.Equal("fp8", w["--kv-cache-dtype"]);
        Assert.Equal("bfloat16", w["--dtype"]);
    }

    [Fact]
    public void A_scenario_that_fixes_no_degree_exports_plans_winner_with_its_prefill_and_decode_pools()
    {
        var s = ExportCases.Scenario("llama3-70b-serving-plan");
        var plan = (InferencePlanOutcome)PlanWorkflow.Run(s, CatalogStore.Default, 1);
        var e = ExportWorkflow.Run(s, CatalogStore.Default, "sglang", plan: false);
        Assert.True(e.Planned);
        var best = plan.Plan.Best;
        Assert.Equal(best.Layout.Describe(), e.Layout);
        int size = best.Layout.GpusPerReplica;
        if (best.Estimate.Disaggregated is { } pools)
        {
            Assert.Equal(["prefill", "decode"], e.Launches.Select(l => l.Role));
            Assert.Equal(pools.PrefillGpus / size, e.Launches[0].Instances);
            Assert.Equal(pools.DecodeGpus / size, e.Launches[1].Instances);
            Assert.Equal(["prefill", "decode"], e.Launches.Select(l => l.Settings.Single(x => x.Name == "--disaggregation-mode").Values[0]));
        }
        else Assert.Equal(best.Layout.Replicas, Assert.Single(e.Launches).Instances);
        var decode = e.Launches[^1].Settings;
        Assert.Equal(best.Batch.ToString(System.Globalization.CultureInfo.InvariantCulture), decode.Single(x => x.Name == "--max-running-requests").Values[0]);
        Assert.Equal(size / best.Layout.Pp, int.Parse(decode.Single(x => x.Name == "--tp-size").Values[0], System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("deepseek-v3-serving", "vllm", new[] { "parallelism.ep=8" }, "ep=8")]
    [InlineData("deepseek-v3-serving", "trtllm", new[] { "parallelism.tp=2", "parallelism.dp_attention=16" }, "tp=2 with dp_attention=16")]
    [InlineData("llama3-70b-two-replicas", "sglang", new[] { "inference.draft_tokens=3", "inference.acceptance=0.7" }, "draft_tokens=3")]
    [InlineData("llama3-70b-two-replicas", "vllm", new[] { "inference.kv_precision=fp32" }, "kv_precision=fp32")]
    public void A_setting_an_engine_cannot_express_is_refused_by_name(string scenario, string framework, string[] overrides, string setting)
    {
        var e = Assert.Throws<InputException>(() => ExportCases.Export(scenario, framework, overrides));
        Assert.Contains($"cannot express {setting}:", e.Message);
    }

    [Fact]
    public void A_training_scenario_is_not_exported_to_a_serving_engine()
    {
        var e = Assert.Throws<InputException>(() => ExportCases.Export("llama3-405b-pretrain", "vllm"));
        Assert.Contains("megatron, torchtitan, maxtext", e.Message);
    }
}
