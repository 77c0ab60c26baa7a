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

    static Scenario Read(string inference, string engine = "vllm") => Scenarios.FromYaml($$"""
        workload: inference
        model: llama3.1-8b
        hardware: dgx-h100
        cluster: {gpus: 1}
        inference: {input_tokens: 128, output_tokens: 128, engine: {{engine}}{{inference}}}
        """);

    [Fact]
    public void The_scenario_key_reads_and_an_engine_without_a_measurement_is_refused()
    {
        Assert.True(Read("").Inference!.CudaGraphs);
        Assert.False(Read(", cuda_graphs: false").Inference!.CudaGraphs);
        Assert.False(Read(", cuda_graphs: false", "sglang").Inference!.CudaGraphs);
        var e = Assert.Throws<InputException>(() => Read(", cuda_graphs: false", "trtllm"));
        Assert.Equal("test.yaml.inference.cuda_graphs: false is costed from the host time an eager step takes per layer, which catalog/frameworks records for vllm and sglang only, not trtllm; name one of those engines or remove cuda_graphs", e.Message);
        Assert.Throws<InputException>(() => Read(", cuda_graphs: sometimes"));
    }

    [Fact]
    public void An_rl_rollout_runs_eager_when_its_generator_says_so()
    {
        var s = Scenarios.FromYaml("""
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
              generator: {tp: 1, cuda_graphs: false}
              trainer: {tp: 1}
            """);
        Assert.False(s.Rl!.Generator.CudaGraphs);
        Assert.False(RlGeneration.JobOf(s.Rl, s.Rl.Generator, 0.9, ResponseCurve.Of(s.Rl.Response, s.Rl.Samples)).CudaGraphs);
    }

    [Fact]
    public void Vllm_and_sglang_exports_say_eager_and_trtllm_refuses_and_vllm_reads_back()
    {
        const string Set = "inference.cuda_graphs=false";
        Assert.Equal("", ExportCases.Written(ExportCases.Export("llama3-70b-two-replicas", "vllm", Set))["--enforce-eager"]);
        Assert.Equal("", ExportCases.Written(ExportCases.Export("llama3-70b-two-replicas", "sglang", Set))["--disable-cuda-graph"]);
        Assert.False(ExportCases.Written(ExportCases.Export("llama3-70b-two-replicas", "vllm")).ContainsKey("--enforce-eager"));
        Assert.Throws<InputException>(() => ExportCases.Export("llama3-70b-two-replicas", "trtllm", Set));

        var back = ImportWorkflow.Run(new ImportRequest("vllm", "vllm serve meta-llama/Llama-3.1-70B-Instruct -tp 4 --enforce-eager", "h100-sxm", null, 4, 1000, 200),
            CatalogStore.Default, Scenarios.Repo("samples"));
        Assert.False(back.Scenario.Inference!.CudaGraphs);
    }
}
