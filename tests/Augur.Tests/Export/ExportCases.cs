using Augur.Catalog.Loading;
using Augur.Domain.Workloads;
using Augur.Export;
using Augur.Workflows;

namespace Augur.Tests.Export;

/// <summary>Scenarios the export tests write, by name: the samples and a few layouts each framework can express.</summary>
static class ExportCases
{
    public static readonly Dictionary<string, string> Yaml = new()
    {
        ["llama3-405b-pretrain"] = File.ReadAllText(Scenarios.Repo("samples/llama3-405b-pretrain.yaml")),
        ["deepseek-v3-pretrain"] = File.ReadAllText(Scenarios.Repo("samples/deepseek-v3-pretrain.yaml")),
        ["deepseek-v3-serving"] = File.ReadAllText(Scenarios.Repo("samples/deepseek-v3-serving.yaml")),
        ["llama3-70b-serving-plan"] = File.ReadAllText(Scenarios.Repo("samples/llama3-70b-serving-plan.yaml")),
        // Dense 70B, ZeRO-3 with full recompute: every training framework expresses it.
        ["llama3-70b-zero3"] = """
            workload: training
            model: llama3.1-70b
            hardware: h100-sxm
            cluster: {gpus: 256}
            precision: bf16
            parallelism: {tp: 8, pp: 4, dp: 8, sp: true, zero: 3, microbatch: 1, recompute: full}
            training: {seq_len: 8192, global_batch: 512, tokens: 1.0e12}
            """,
        // FP8 on Blackwell with plain data parallelism (MXFP8 recipes).
        ["llama3-8b-fp8-b200"] = """
            workload: training
            model: llama3.1-8b
            hardware: b200
            cluster: {gpus: 16}
            precision: fp8
            parallelism: {tp: 2, pp: 1, dp: 8, sp: true, zero: 0, microbatch: 2, recompute: none}
            training: {seq_len: 4096, global_batch: 256}
            """,
        // MoE with experts carved from the data axis and split over the tensor axis.
        ["qwen3-30b-moe"] = """
            workload: training
            model: qwen3-30b-a3b
            hardware: h100-sxm
            cluster: {gpus: 64}
            precision: bf16
            parallelism: {tp: 2, pp: 1, dp: 32, ep: 8, etp: 2, sp: true, zero: 3, microbatch: 2, recompute: full}
            training: {seq_len: 4096, global_batch: 512}
            """,
        // Two dense replicas with a fixed batch, an fp8 cache and a lower memory fraction.
        ["llama3-70b-two-replicas"] = """
            workload: inference
            model: llama3.1-70b
            hardware: h100-sxm
            cluster: {gpus: 8}
            precision: bf16
            parallelism: {tp: 4, pp: 1}
            inference: {input_tokens: 1000, output_tokens: 200, concurrency: 32, kv_precision: fp8, memory_fraction: 0.85, mode: aggregated}
            """,
        // A MoE served with one GPU per attention replica and experts over all 16 GPUs.
        ["qwen3-235b-dp-attention"] = """
            workload: inference
            model: qwen3-235b-a22b
            hardware: h200
            cluster: {gpus: 16}
            precision: fp8
            parallelism: {tp: 1, pp: 1, ep: 16, dp_attention: 16}
            inference: {input_tokens: 2000, output_tokens: 500, concurrency: 256, kv_precision: bf16, mode: aggregated}
            """,
    };

    /// <summary>Which frameworks each case is exported to in the flag-list test (all it can express).</summary>
    public static readonly (string Case, string[] Frameworks)[] Expressible =
    [
        ("llama3-405b-pretrain", ["megatron"]),
        ("deepseek-v3-pretrain", ["megatron"]),
        ("llama3-70b-zero3", ["megatron", "torchtitan", "maxtext"]),
        ("llama3-8b-fp8-b200", ["megatron", "torchtitan", "maxtext"]),
        ("qwen3-30b-moe", ["megatron", "torchtitan", "maxtext"]),
        ("deepseek-v3-serving", ["vllm", "sglang", "trtllm"]),
        ("llama3-70b-serving-plan", ["vllm", "sglang", "trtllm"]),
        ("llama3-70b-two-replicas", ["vllm", "sglang", "trtllm"]),
        ("qwen3-235b-dp-attention", ["vllm", "sglang", "trtllm"]),
    ];

    public static Scenario Scenario(string name, params string[] overrides) =>
        ScenarioLoader.FromYaml(CatalogStore.Default, Yaml[name], overrides.Select(ScenarioOverride.Parse).ToList(), Scenarios.Repo("samples"));

    public static FrameworkExport Export(string name, string framework, params string[] overrides) =>
        ExportWorkflow.Run(Scenario(name, overrides), CatalogStore.Default, framework, plan: false);

    /// <summary>The settings of the first launch as name → values, read back from the written text.</summary>
    public static Dictionary<string, string> Written(FrameworkExport e) =>
        WrittenSettings.Read(e.Framework, ExportText.Render(e)).GroupBy(s => s.Name).ToDictionary(g => g.Key, g => string.Join(' ', g.First().Values));
}
