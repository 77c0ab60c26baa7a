using Augur.Catalog.Loading;
using Augur.CostModels.Inference;
using Augur.CostModels.Rl;
using Augur.Domain;
using Augur.Domain.Frameworks;
using Augur.Domain.Hardware;
using Augur.Domain.Workloads;
using Augur.Export;
using Augur.Export.Import;
using Augur.Tests.Export;
using Augur.Units;

namespace Augur.Tests.Inference;

/// <summary>
/// Eager serving steps (inference.cuda_graphs: false, vLLM --enforce-eager): the host issues every layer, 226 µs each on
/// x86 (catalog/frameworks/vllm.yaml: sgl-project/sglang PR #1401's Llama-3-8B batch-1 eager step of 8.23 ms, less the
/// 1 ms per-iteration overhead, over 32 layers), and the GPU waits for whatever of that outlasts its own step.
/// </summary>
public class EagerDecodeTests
{
    static readonly InferenceLayout One = new(Tp: 1, Pp: 1, Ep: 1, DpAttention: 1, Replicas: 1);

    /// <summary>vLLM's batch limits without its scheduler's per-sequence time, so only the eager issue differs.</summary>
    static InferenceJob Job(bool graphs) => new()
    {
        InputTokens = 128, OutputTokens = 128, CudaGraphs = graphs,
        Limits = ServingLimits.Default with { HostPerSequence = Seconds.Zero },
    };

    [Theory]
    // Llama 3.1 8B's 32 layers × 226 µs = 7.232 ms on the DGX's x86 host; × 2.75 = 19.888 ms on Grace.
    [InlineData("dgx-h100", 7.232e-3)]
    [InlineData("gb200-nvl72", 19.888e-3)]
    public void An_eager_step_waits_for_what_the_hosts_issue_time_exceeds_the_gpus(string hardware, double issue)
    {
        var (eager, _) = InferenceModelTests.Build("llama3.1-8b", hardware, 1, Job(graphs: false), Precision.BF16);
        var (graphed, _) = InferenceModelTests.Build("llama3.1-8b", hardware, 1, Job(graphs: true), Precision.BF16);
        foreach (int batch in new[] { 1, 64, 2048 })
        {
            var g = graphed.DecodeStep(One, batch, 4000);
            var e = eager.DecodeStep(One, batch, 4000);
            double gpu = g.Total.Value - g.Overhead.Value;
            Assert.Equal(gpu, e.Total.Value - e.Overhead.Value, 12);
            Assert.Equal(g.Overhead.Value + Math.Max(0, issue - gpu), e.Overhead.Value, 12);
        }
        // At batch 1 the GPU's step (a 16 GB weight read) is shorter than the issue, so the host sets the pace; at 2,048
        // sequences of 4,000 tokens the GPU's step is far longer and eager costs nothing.
        Assert.True(graphed.DecodeStep(One, 1, 4000).Total.Value < eager.DecodeStep(One, 1, 4000).Total.Value);
        Assert.Equal(graphed.DecodeStep(One, 2048, 4000).Total.Value, eager.DecodeStep(One, 2048, 4000).Total.Value, 12);
    }

    [Fact]
    public void A_latent_attention_layer_takes_its_own_larger_issue_time()
    {
        // DeepSeek-V3 at tp8 on the DGX's x86 host: 61 layers × 884 µs (catalog/frameworks/vllm.yaml: SGLang PR #1401's
        // DeepSeek-Coder-V2-Lite row, (4 × 6.22 − 1) / 27) = 53.924 ms, not 61 × 226 µs = 13.786 ms.
        var tp8 = new InferenceLayout(Tp: 8, Pp: 1, Ep: 1, DpAttention: 1, Replicas: 1);
        var (eager, _) = InferenceModelTests.Build("deepseek-v3", "dgx-h100", 8, Job(graphs: false), Precision.FP8);
        var (graphed, _) = InferenceModelTests.Build("deepseek-v3", "dgx-h100", 8, Job(graphs: true), Precision.FP8);
        var g = graphed.DecodeStep(tp8, 1, 4000);
        var e = eager.DecodeStep(tp8, 1, 4000);
        double gpu = g.Total.Value - g.Overhead.Value;
        Assert.True(gpu < 53.924e-3);
        Assert.Equal(g.Overhead.Value + 53.924e-3 - gpu, e.Overhead.Value, 9);
    }

    /// <summary>A one-GPU Llama 3.1 8B serving scenario; <paramref name="engine"/> null names none.</summary>
    static Scenario Read(string inference, string? engine = "vllm", string hardware = "dgx-h100") => Scenarios.FromYaml($$"""
        workload: inference
        model: llama3.1-8b
        hardware: {{hardware}}
        cluster: {gpus: 1}
        inference: {input_tokens: 128, output_tokens: 128{{(engine is null ? "" : ", engine: " + engine)}}{{inference}}}
        """);

    [Fact]
    public void The_scenario_key_reads_and_an_engine_without_a_measurement_is_refused()
    {
        Assert.True(Read("").Inference!.CudaGraphs);
        Assert.False(Read(", cuda_graphs: false").Inference!.CudaGraphs);
        Assert.False(Read(", cuda_graphs: false", "sglang").Inference!.CudaGraphs);
        var e = Assert.Throws<InputException>(() => Read(", cuda_graphs: false", "trtllm"));
        Assert.Equal("test.yaml.inference.cuda_graphs: false is costed from the host time an eager step takes per layer, which catalog/frameworks records for sglang, vllm only, not trtllm; name one of those engines (sglang, vllm) or remove cuda_graphs", e.Message);
        Assert.Equal("test.yaml.inference.cuda_graphs: expected true or false", Assert.Throws<InputException>(() => Read(", cuda_graphs: sometimes")).Message);
        // The eager step's host time is the engine's own, so the engine must be named.
        var unnamed = Assert.Throws<InputException>(() => Read(", cuda_graphs: false", engine: null));
        Assert.Equal("test.yaml.inference.cuda_graphs: false costs the engine's own host time per layer; name the engine (engine: sglang, vllm)", unnamed.Message);
        // A TPU compiles its step; there are no CUDA graphs to turn off.
        var tpu = Assert.Throws<InputException>(() => Read(", cuda_graphs: false", hardware: "tpu-v6e"));
        Assert.Equal("test.yaml.inference.cuda_graphs: false turns off CUDA or HIP graphs, which tpu-v6e (google-tpu) does not run; remove cuda_graphs", tpu.Message);
    }

    [Fact]
    public void The_report_says_the_engine_runs_eager()
    {
        foreach (bool graphs in new[] { true, false })
        {
            var sc = Read(graphs ? "" : ", cuda_graphs: false");
            var json = Augur.Reports.Inference.InferenceReport.Json(sc, Augur.Workflows.EstimateWorkflow.Inference(sc, CatalogStore.Default), null);
            Assert.Equal(graphs, (bool)json["cuda_graphs"]!);
        }
    }

    [Fact]
    public void Vllms_own_host_time_per_sequence_adds_to_the_eager_wait_under_tensor_parallelism()
    {
        // vLLM's synchronous scheduler (19.5 µs per sequence, paid whole) beside the eager issue (32 × 226 µs = 7.232 ms,
        // paid beyond the GPU's step, which at tp 2 includes the all-reduces the stream waits for).
        var job = new InferenceJob { InputTokens = 128, OutputTokens = 128, CudaGraphs = false };
        var (eager, _) = InferenceModelTests.Build("llama3.1-8b", "dgx-h100", 2, job, Precision.BF16);
        var (graphed, _) = InferenceModelTests.Build("llama3.1-8b", "dgx-h100", 2, job with { CudaGraphs = true }, Precision.BF16);
        var (bare, _) = InferenceModelTests.Build("llama3.1-8b", "dgx-h100", 2, job with { CudaGraphs = true, Limits = job.Limits with { HostPerSequence = Seconds.Zero } }, Precision.BF16);
        var tp2 = new InferenceLayout(Tp: 2, Pp: 1, Ep: 1, DpAttention: 1, Replicas: 1);
        foreach (int batch in new[] { 1, 16 })
        {
            var g = graphed.DecodeStep(tp2, batch, 1000);
            double gpu = g.Total.Value - g.Overhead.Value;
            Assert.True(g.TensorParallel.Value > 0);
            Assert.True(7.232e-3 > gpu, "small batches at tp 2 are meant to be host-bound");
            // The scheduler's batch × 19.5 µs, then the issue's 7.232 ms less the GPU's step (all-reduces included), each
            // on top of the calibrated per-iteration overhead.
            Assert.Equal(batch * 19.5e-6, g.Overhead.Value - bare.DecodeStep(tp2, batch, 1000).Overhead.Value, 12);
            Assert.Equal(7.232e-3 - gpu, eager.DecodeStep(tp2, batch, 1000).Overhead.Value - g.Overhead.Value, 12);
        }
    }

    [Fact]
    public void An_rl_rollout_runs_eager_when_its_generator_says_so()
    {
        var s = Scenarios.FromYaml(Yaml(", cuda_graphs: false"));
        Assert.False(s.Rl!.Generator.CudaGraphs);
        Assert.False(RlGeneration.JobOf(s.Rl, s.Rl.Generator, 0.9, ResponseCurve.Of(s.Rl.Response, s.Rl.Samples)).CudaGraphs);
        // 32 samples over 8 replicas: batches of 4, whose decode steps are shorter than the 7.232 ms issue, so the
        // eager rollout takes longer.
        var eager = Augur.Tests.Rl.RlTests.Estimate(Yaml(", cuda_graphs: false"));
        var graphed = Augur.Tests.Rl.RlTests.Estimate(Yaml(""));
        Assert.Equal(4, graphed.Generation.Rollout.Batch);
        Assert.True(eager.Phases.Generation.Value > graphed.Phases.Generation.Value);
    }

    [Fact]
    public void An_rl_rollout_takes_its_engines_async_scheduling_from_the_generator()
    {
        // vLLM 0.14 and later schedule the next step during this one by default; the generator says so as a launch would.
        Assert.False(Scenarios.FromYaml(Yaml("")).Rl!.Generator.Limits.HostOverlapsGpu);
        Assert.True(Scenarios.FromYaml(Yaml(", async_scheduling: true")).Rl!.Generator.Limits.HostOverlapsGpu);
        var bad = Assert.Throws<InputException>(() => Scenarios.FromYaml(Yaml(", async_scheduling: 3")));
        Assert.Contains("async_scheduling", bad.Message);
    }

    [Fact]
    public void Vllm_exports_and_reads_back_async_scheduling()
    {
        string[] Set = ["inference.engine=vllm", "inference.async_scheduling=true"];
        Assert.Equal("", ExportCases.Written(ExportCases.Export("llama3-70b-two-replicas", "vllm", Set))["--async-scheduling"]);
        Assert.False(ExportCases.Written(ExportCases.Export("llama3-70b-two-replicas", "vllm")).ContainsKey("--async-scheduling"));
        var back = ImportWorkflow.Run(new ImportRequest("vllm", "vllm serve meta-llama/Llama-3.1-70B-Instruct -tp 4 --async-scheduling", "h100-sxm", null, 4, 1000, 200),
            CatalogStore.Default, Scenarios.Repo("samples"));
        Assert.True(back.Scenario.Inference!.Limits.HostOverlapsGpu);
    }

    static string Yaml(string generator) => $$"""
        workload: rl
        model: llama3.1-8b
        hardware: dgx-h100
        cluster: {gpus: 8}
        rl:
          prompts_per_step: 8
          samples_per_prompt: 4
          prompt_tokens: {mean: 100}
          response_tokens: {mean: 500}
          verifier: {kind: rule, cpu_seconds: 0.01, cpu_cores: 8}
          placement: colocated
          generator: {tp: 1{{generator}}}
          trainer: {tp: 1}
        """;

    [Fact]
    public void Vllm_and_sglang_exports_say_eager_and_trtllm_refuses_and_vllm_reads_back()
    {
        string[] Set = ["inference.engine=vllm", "inference.cuda_graphs=false"];
        Assert.Equal("", ExportCases.Written(ExportCases.Export("llama3-70b-two-replicas", "vllm", Set))["--enforce-eager"]);
        Assert.Equal("", ExportCases.Written(ExportCases.Export("llama3-70b-two-replicas", "sglang", Set))["--disable-cuda-graph"]);
        Assert.False(ExportCases.Written(ExportCases.Export("llama3-70b-two-replicas", "vllm")).ContainsKey("--enforce-eager"));
        var trt = Assert.Throws<InputException>(() => ExportCases.Export("llama3-70b-two-replicas", "trtllm", Set));
        Assert.Contains("Augur has no measured eager host time for TensorRT-LLM", trt.Message);

        var back = ImportWorkflow.Run(new ImportRequest("vllm", "vllm serve meta-llama/Llama-3.1-70B-Instruct -tp 4 --enforce-eager", "h100-sxm", null, 4, 1000, 200),
            CatalogStore.Default, Scenarios.Repo("samples"));
        Assert.False(back.Scenario.Inference!.CudaGraphs);
        Assert.Equal("vllm", back.Scenario.Inference.Limits.Engine);
        var graphs = ImportWorkflow.Run(new ImportRequest("vllm", "vllm serve meta-llama/Llama-3.1-70B-Instruct -tp 4", "h100-sxm", null, 4, 1000, 200),
            CatalogStore.Default, Scenarios.Repo("samples"));
        Assert.True(graphs.Scenario.Inference!.CudaGraphs);
        Assert.DoesNotContain("cuda_graphs", graphs.Yaml);
    }
}
