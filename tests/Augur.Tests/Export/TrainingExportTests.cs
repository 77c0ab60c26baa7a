using Augur.Domain;

namespace Augur.Tests.Export;

/// <summary>Training exports checked against values worked out by hand from the scenario.</summary>
public class TrainingExportTests
{
    [Fact]
    public void The_405b_sample_becomes_megatron_arguments()
    {
        var w = ExportCases.Written(ExportCases.Export("llama3-405b-pretrain", "megatron"));
        Assert.Equal("8", w["--tensor-model-parallel-size"]);
        Assert.Equal("16", w["--pipeline-model-parallel-size"]);
        Assert.Equal("2", w["--context-parallel-size"]);
        Assert.Equal("1", w["--micro-batch-size"]);
        Assert.Equal("2048", w["--global-batch-size"]);
        Assert.Equal("8192", w["--seq-length"]);
        // 15.6e12 tokens / (2048 x 8192 tokens per step) = 929,832.5 steps, rounded up.
        Assert.Equal("929833", w["--train-iters"]);
        // 126 layers over pp 16 x vp 4: ceil(126/16) = 8 per rank in 4 chunks of 2; the last rank's 6 as 2, 2, 1, 1.
        Assert.Equal("Et*2|(t*2|)*46t|(t*2|)*15tL", w["--pipeline-model-parallel-layout"]);
        Assert.False(w.ContainsKey("--num-virtual-stages-per-pipeline-rank"));
        foreach (var flag in new[] { "--sequence-parallel", "--bf16", "--use-distributed-optimizer", "--overlap-grad-reduce", "--overlap-param-gather" })
            Assert.Equal("", w[flag]);
        Assert.False(w.ContainsKey("--recompute-granularity"));
        Assert.False(w.ContainsKey("--expert-model-parallel-size"));
    }

    [Fact]
    public void The_deepseek_recipe_keeps_its_experts_recompute_modules_and_fp8_recipe()
    {
        var w = ExportCases.Written(ExportCases.Export("deepseek-v3-pretrain", "megatron"));
        Assert.Equal("64", w["--expert-model-parallel-size"]);
        Assert.Equal("1", w["--expert-tensor-parallel-size"]);
        Assert.Equal("selective", w["--recompute-granularity"]);
        Assert.Equal("mla_up_proj mlp", w["--recompute-modules"]);
        // H100: hybrid E4M3/E5M2 with 128-wide block scales; the weights' master copy stays bf16.
        Assert.Equal("hybrid", w["--fp8-format"]);
        Assert.Equal("blockwise", w["--fp8-recipe"]);
        Assert.Equal("", w["--bf16"]);
        Assert.Equal("", w["--moe-router-force-load-balancing"]);
        // 61 layers over pp 8 x vp 4: 8 per rank as 2 per chunk; the last rank's 5 as 2, 1, 1, 1.
        Assert.Equal("Et*2|(t*2|)*14t|(t*2|)*7t|(t*2|)*7tL", w["--pipeline-model-parallel-layout"]);
    }

    [Theory]
    [InlineData(0, null, null)]
    [InlineData(2, "--use-megatron-fsdp", "optim_grads")]
    [InlineData(3, "--use-megatron-fsdp", "optim_grads_params")]
    public void Zero_stages_become_megatrons_optimizer_and_fsdp_settings(int zero, string? flag, string? strategy)
    {
        var w = ExportCases.Written(ExportCases.Export("llama3-70b-zero3", "megatron", $"parallelism.zero={zero}"));
        Assert.False(w.ContainsKey("--use-distributed-optimizer"));
        Assert.Equal(flag is not null, w.ContainsKey("--use-megatron-fsdp"));
        Assert.Equal(strategy, w.GetValueOrDefault("--data-parallel-sharding-strategy"));
        Assert.Equal(zero > 0, w.ContainsKey("--overlap-param-gather"));
    }

    [Fact]
    public void Full_recompute_and_blackwell_fp8_are_megatrons_full_granularity_and_mxfp8()
    {
        var full = ExportCases.Written(ExportCases.Export("llama3-70b-zero3", "megatron"));
        Assert.Equal("full", full["--recompute-granularity"]);
        Assert.Equal("uniform", full["--recompute-method"]);
        Assert.Equal("1", full["--recompute-num-layers"]);
        // 80 layers over 4 stages split evenly: no layout string.
        Assert.False(full.ContainsKey("--pipeline-model-parallel-layout"));
        var b200 = ExportCases.Written(ExportCases.Export("llama3-8b-fp8-b200", "megatron"));
        Assert.Equal("mxfp8", b200["--fp8-recipe"]);
        Assert.False(b200.ContainsKey("--use-distributed-optimizer"));
    }

    [Fact]
    public void Torchtitan_writes_fsdp_degrees_and_batches_as_its_job_config()
    {
        var w = ExportCases.Written(ExportCases.Export("llama3-70b-zero3", "torchtitan"));
        Assert.Equal("8", w["parallelism.data_parallel_shard_degree"]);
        Assert.Equal("1", w["parallelism.data_parallel_replicate_degree"]);
        Assert.Equal("always", w["parallelism.fsdp_reshard_after_forward"]);
        Assert.Equal("8", w["parallelism.tensor_parallel_degree"]);
        Assert.Equal("4", w["parallelism.pipeline_parallel_degree"]);
        Assert.Equal("1F1B", w["parallelism.pipeline_parallel_schedule"]);
        Assert.Equal("1", w["parallelism.pipeline_parallel_microbatch_size"]);
        // With a pipeline each data-parallel rank takes its whole share per step: 512 / 8 = 64 sequences.
        Assert.Equal("64", w["training.local_batch_size"]);
        Assert.Equal("512", w["training.global_batch_size"]);
        // 1e12 tokens / (512 x 8192) = 238,418.6 steps, rounded up.
        Assert.Equal("238419", w["training.steps"]);
        Assert.Equal("full", w["activation_checkpoint.mode"]);
        Assert.Equal("bfloat16", w["training.mixed_precision_param"]);
        var fp8 = ExportCases.Written(ExportCases.Export("llama3-8b-fp8-b200", "torchtitan"));
        // Plain replication for ZeRO 0; no pipeline, so each forward takes one micro-batch of 2.
        Assert.Equal("8", fp8["parallelism.data_parallel_replicate_degree"]);
        Assert.Equal("1", fp8["parallelism.data_parallel_shard_degree"]);
        Assert.Equal("2", fp8["training.local_batch_size"]);
        Assert.Equal("quantize.linear.mx", fp8["model.converters"]);
        var moe = ExportCases.Written(ExportCases.Export("qwen3-30b-moe", "torchtitan"));
        Assert.Equal("8", moe["parallelism.expert_parallel_degree"]);
        Assert.Equal("2", moe["parallelism.expert_tensor_parallel_degree"]);
    }

    [Fact]
    public void Maxtext_fills_a_node_with_the_inner_axes_and_gives_the_batch_per_device()
    {
        var w = ExportCases.Written(ExportCases.Export("llama3-70b-zero3", "maxtext"));
        // 8-GPU domains: tp 8 with sequence parallelism fills one; pp 4 and ZeRO-3's dp 8 go across the 32 domains.
        Assert.Equal("8", w["ici_tensor_sequence_parallelism"]);
        Assert.Equal("1", w["ici_fsdp_parallelism"]);
        Assert.Equal("8", w["dcn_fsdp_parallelism"]);
        Assert.Equal("4", w["dcn_pipeline_parallelism"]);
        Assert.Equal("1", w["dcn_data_parallelism"]);
        // 512 sequences / 256 GPUs = 2 per device; 512 / (1 x 8) = 64 pipeline micro-batches; 80 / 4 = 20 layers per stage.
        Assert.Equal("2", w["per_device_batch_size"]);
        Assert.Equal("64", w["num_pipeline_microbatches"]);
        Assert.Equal("20", w["num_layers_per_pipeline_stage"]);
        Assert.Equal("full", w["remat_policy"]);
        var moe = ExportCases.Written(ExportCases.Export("qwen3-30b-moe", "maxtext"));
        // tp 2 and 4 of ep 8 fill a node; the expert axis's other 2 and the data axis's 32 / 8 = 4 cross nodes.
        Assert.Equal("2", moe["ici_tensor_sequence_parallelism"]);
        Assert.Equal("4", moe["ici_expert_parallelism"]);
        Assert.Equal("2", moe["dcn_expert_parallelism"]);
        Assert.Equal("4", moe["dcn_fsdp_parallelism"]);
        // No pipeline: 2 x 32 = 64 sequences per micro-step over 64 GPUs, accumulated 512 / 64 = 8 times.
        Assert.Equal("1", moe["per_device_batch_size"]);
        Assert.Equal("8", moe["gradient_accumulation_steps"]);
    }

    [Fact]
    public void Maxtext_writes_the_scenarios_own_remat_policy_expert_capacity_and_vocab_tiling()
    {
        var named = ExportCases.Written(ExportCases.Export("llama3-70b-zero3", "maxtext", "parallelism.recompute=none", "training.remat=save_qkv_proj"));
        Assert.Equal("save_qkv_proj", named["remat_policy"]);
        var custom = ExportCases.Written(ExportCases.Export("qwen3-30b-moe", "maxtext", "parallelism.recompute=none",
            "training.remat.decoder_layer_input=offload", "training.remat.mlpwi_0=device", "training.capacity_factor=1.25", "training.vocab_tiling=4"));
        Assert.Equal("custom", custom["remat_policy"]);
        Assert.Equal("offload", custom["decoder_layer_input"]);
        // The experts' tensors under their own names as well (base.yml @ e591f30 names them moe_mlpwi_0 ...).
        Assert.Equal("device", custom["mlpwi_0"]);
        Assert.Equal("device", custom["moe_mlpwi_0"]);
        Assert.False(custom.ContainsKey("query_proj"));
        Assert.Equal("false", custom["sparse_matmul"]);
        Assert.Equal("1.25", custom["capacity_factor"]);
        Assert.Equal("4", custom["num_vocab_tiling"]);
    }

    [Theory]
    [InlineData("llama3-70b-zero3", "megatron", new[] { "parallelism.recompute=none", "training.remat=full" }, "training.remat")]
    [InlineData("llama3-70b-zero3", "torchtitan", new[] { "training.vocab_tiling=4" }, "training.vocab_tiling")]
    [InlineData("qwen3-30b-moe", "megatron", new[] { "training.capacity_factor=1.25" }, "training.capacity_factor")]
    [InlineData("llama3-405b-pretrain", "torchtitan", new string[0], "zero=1")]
    [InlineData("llama3-70b-zero3", "torchtitan", new[] { "parallelism.sp=false" }, "sp=false")]
    [InlineData("llama3-70b-zero3", "torchtitan", new[] { "parallelism.recompute=selective" }, "recompute=selective")]
    [InlineData("llama3-70b-zero3", "maxtext", new[] { "parallelism.zero=2" }, "zero=2")]
    [InlineData("deepseek-v3-pretrain", "maxtext", new string[0], "ep=64 etp=1")]
    [InlineData("llama3-70b-zero3", "maxtext", new[] { "parallelism.recompute=mlp" }, "recompute=mlp")]
    [InlineData("llama3-70b-zero3", "torchtitan", new[] { "training.backward_prefetch=post" }, "training.backward_prefetch=post")]
    [InlineData("llama3-70b-zero3", "megatron", new[] { "training.backward_prefetch=post" }, "training.backward_prefetch=post")]
    [InlineData("llama3-70b-zero3", "maxtext", new[] { "training.backward_prefetch=post" }, "training.backward_prefetch=post")]
    public void A_setting_a_framework_cannot_express_is_refused_by_name(string scenario, string framework, string[] overrides, string setting)
    {
        var e = Assert.Throws<InputException>(() => ExportCases.Export(scenario, framework, overrides));
        Assert.Contains($"cannot express {setting}:", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }
}
