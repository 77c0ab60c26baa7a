using Augur.Catalog.Loading;
using Augur.CostModels.Validation;
using Augur.Domain;
using Augur.Export;
using Augur.Export.Import;
using Augur.Workflows;

namespace Augur.Tests.Export;

/// <summary>Command lines read back into scenarios: by hand, and exports that round-trip to the same layout.</summary>
public class ImportTests
{
    static ImportOutcome Import(string from, string line, string hardware, string? model = null, int? gpus = null, int? input = null, int? output = null) =>
        ImportWorkflow.Run(new ImportRequest(from, line, hardware, model, gpus, input, output), CatalogStore.Default, Scenarios.Repo("samples"));

    [Fact]
    public void A_megatron_launch_line_reads_as_its_layout()
    {
        var o = Import("megatron", """
            torchrun --nnodes 128 --nproc-per-node 8 pretrain_gpt.py \
              --tensor-model-parallel-size 8 --pipeline-model-parallel-size 4 --sequence-parallel \
              --micro-batch-size 2 --global-batch-size 1024 --seq-length 4096 --train-iters 1000 \
              --bf16 --use-distributed-optimizer --overlap-grad-reduce \
              --recompute-granularity selective --recompute-modules core_attn mlp \
              --lr 3e-4 --data-path /data/corpus
            """, "h100-sxm", model: "llama3.1-70b");
        var s = o.Scenario;
        // 128 nodes x 8 GPUs = 1024; dp = 1024 / (8 x 4) = 32.
        Assert.Equal(1024, s.Cluster.Gpus);
        Assert.Equal((8, 4, 32, true, 1, 2), (s.Layout.Tp, s.Layout.Pp, s.Layout.Dp, s.Layout.Sp, s.Layout.Zero, s.Layout.MicroBatch));
        Assert.Equal(Domain.Parallelism.Recompute.Selective | Domain.Parallelism.Recompute.Mlp, s.Layout.Recompute);
        Assert.Equal(Domain.Hardware.Precision.BF16, s.Precision);
        // 1,000 steps x 1,024 sequences x 4,096 tokens.
        Assert.Equal(1000.0 * 1024 * 4096, s.Training!.TokenBudget);
        Assert.True(s.Training.OverlapDataParallel);
        Assert.Equal(["--nnodes", "--nproc-per-node", "--lr", "--data-path"], o.Ignored);
        Assert.Contains("not read: --nnodes, --nproc-per-node, --lr, --data-path", o.Yaml);
    }

    public static TheoryData<string, string[]> TrainingCases() => new()
    {
        { "llama3-405b-pretrain", [] },
        { "deepseek-v3-pretrain", [] },
        { "llama3-70b-zero3", [] },
        { "llama3-70b-zero3", ["parallelism.zero=0", "parallelism.recompute=none"] },
        { "llama3-70b-zero3", ["parallelism.zero=2", "training.overlap_dp=false"] },
        { "llama3-8b-fp8-b200", [] },
        { "qwen3-30b-moe", [] },
        { "qwen3-30b-moe", ["parallelism.recompute=none", "parallelism.ep_overlap=true"] },
        { "qwen3-30b-moe", ["training.dispatcher=deepep"] },
    };

    [Theory]
    [MemberData(nameof(TrainingCases))]
    public void A_megatron_export_reads_back_as_the_same_layout(string name, string[] overrides)
    {
        var s = ExportCases.Scenario(name, overrides);
        var before = EstimateWorkflow.Training(s, CatalogStore.Default).Estimate.Layout;
        var text = ExportText.Render(ExportWorkflow.Run(s, CatalogStore.Default, "megatron", plan: false));
        var back = Import("megatron", text, s.Cluster.Accelerator.Id, s.Model.Name, s.Cluster.Gpus).Scenario;
        Assert.Equal(before, EstimateWorkflow.Training(back, CatalogStore.Default).Estimate.Layout);
        Assert.Equal(s.Precision, back.Precision);
        Assert.Equal((s.Training!.SeqLen, s.Training.GlobalBatch, s.Training.OverlapDataParallel), (back.Training!.SeqLen, back.Training.GlobalBatch, back.Training.OverlapDataParallel));
        Assert.Equal(s.Training.AttentionKernel, back.Training.AttentionKernel);
        if (s.Model.IsMoe) Assert.Equal((s.Training.Routing, s.Training.Dispatcher), (back.Training.Routing, back.Training.Dispatcher));
        // A budget comes back as whole steps: within one step's tokens.
        Assert.Equal(s.Training.TokenBudget is null, back.Training.TokenBudget is null);
        if (s.Training.TokenBudget is { } tokens) Assert.InRange(back.Training.TokenBudget!.Value - tokens, 0, s.Training.TokensPerStep);
    }

    [Theory]
    [InlineData("deepseek-v3-serving")]
    [InlineData("llama3-70b-two-replicas")]
    [InlineData("qwen3-235b-dp-attention")]
    public void A_vllm_export_reads_back_as_the_same_deployment(string name)
    {
        var s = ExportCases.Scenario(name);
        var before = EstimateWorkflow.Inference(s, CatalogStore.Default);
        var text = ExportText.Render(ExportWorkflow.Run(s, CatalogStore.Default, "vllm", plan: false));
        // The model comes back from its Hugging Face repository; the request shape is the caller's.
        var back = Import("vllm", text, s.Cluster.Accelerator.Id, gpus: s.Cluster.Gpus, input: s.Inference!.InputTokens, output: s.Inference.OutputTokens).Scenario;
        Assert.Equal(s.Model.Name, back.Model.Name);
        Assert.Equal(before.Layout, InferenceValidator.LayoutFor(back));
        Assert.Equal(before.Concurrency, back.Inference!.Concurrency);
        Assert.Equal((s.Precision, s.Inference.KvPrecision, s.Inference.MemoryFraction), (back.Precision, back.Inference.KvPrecision, back.Inference.MemoryFraction));
    }

    [Theory]
    [InlineData("megatron", "--tensor-model-parallel-size 8 --micro-batch-size 1 --seq-length 4096", null, 64, null, "give --model")]
    [InlineData("megatron", "--tensor-model-parallel-size 8 --micro-batch-size 1 --seq-length 4096", "llama3.1-70b", null, null, "give --gpus")]
    [InlineData("megatron", "--tensor-model-parallel-size eight", "llama3.1-70b", 64, null, "takes a whole number, got 'eight'")]
    [InlineData("vllm", "vllm serve some-org/unknown-model -tp 4", null, null, 100, "cites no model for the repository 'some-org/unknown-model'")]
    [InlineData("vllm", "vllm serve meta-llama/Llama-3.1-70B-Instruct -tp 4", null, null, null, "give --input-tokens and --output-tokens")]
    [InlineData("vllm", "vllm serve meta-llama/Llama-3.1-70B-Instruct -q awq", null, null, 100, "--quantization awq")]
    [InlineData("sglang", "python -m sglang.launch_server --tp-size 8", null, null, 100, "--from sglang")]
    public void A_line_that_cannot_be_read_says_what_is_missing(string from, string line, string? model, int? gpus, int? tokens, string message)
    {
        var e = Assert.Throws<InputException>(() => Import(from, line, "h100-sxm", model, gpus, tokens, tokens));
        Assert.Contains(message, e.Message);
    }
}
