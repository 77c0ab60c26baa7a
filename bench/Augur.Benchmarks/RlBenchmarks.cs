using Augur.Catalog.Loading;
using Augur.Domain.Workloads;
using Augur.Workflows;
using Augur.Workflows.Rl;
using BenchmarkDotNet.Attributes;

namespace Augur.Benchmarks;

/// <summary>
/// RL post-training (issue #13): one RL estimate of Qwen3-32B GRPO with its 1,024-sample rollout simulated
/// (64 prompts × 16, responses of mean 6,000 tokens, spread 0.8, at most 16,384) under 50 ms, and an RL plan over a
/// 256-GPU budget under 5 s.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 3)]
[MemoryDiagnoser]
public class RlBenchmarks
{
    const string Yaml = "workload: rl\nmodel: qwen3-32b\nhardware: h100-sxm\ncluster: {gpus: 64}\nprecision: bf16\nrl:\n  algorithm: grpo\n"
        + "  prompts_per_step: 64\n  samples_per_prompt: 16\n  prompt_tokens: {mean: 1024, max: 2048}\n  response_tokens: {mean: 6000, spread: 0.8, max: 16384}\n"
        + "  verifier: {kind: rule, cpu_seconds: 0.2, cpu_cores: 512}\n  placement: colocated\n  generator: {tp: 4, kv_precision: fp8}\n  trainer: {tp: 8, zero: 3}\n";

    Scenario _estimate = null!, _plan = null!;

    [GlobalSetup]
    public void Setup()
    {
        _estimate = ScenarioLoader.FromYaml(CatalogStore.Default, Yaml);
        _plan = ScenarioLoader.FromYaml(CatalogStore.Default, Yaml.Replace("gpus: 64", "gpus: 256", StringComparison.Ordinal).Replace("prompts_per_step: 64", "prompts_per_step: 512", StringComparison.Ordinal));
    }

    [Benchmark(Description = "RL estimate + 1,024-sample rollout simulation, Qwen3-32B on 64 H100")]
    public double EstimateAndSimulate() => RlWorkflow.Simulate(_estimate, CatalogStore.Default).Simulated.StepTime.Value;

    [Benchmark(Description = "RL plan, Qwen3-32B GRPO over a 256-H100 budget")]
    public int Plan() => ((RlPlanOutcome)PlanWorkflow.Run(_plan, CatalogStore.Default, 5)).Plan.Costed;
}
