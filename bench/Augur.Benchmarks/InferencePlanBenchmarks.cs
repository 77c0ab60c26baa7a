using Augur.Domain.Hardware;
using Augur.Catalog.Loading;
using Augur.CostModels.Compute;
using Augur.Domain.Workloads;
using Augur.Search.Inference;
using BenchmarkDotNet.Attributes;

namespace Augur.Benchmarks;

/// <summary>
/// The serving plan of samples/deepseek-v3-plan.yaml: DeepSeek-V3 FP8 on 64 H100s, 2000 in / 500 out, TPOT ≤ 50 ms,
/// both modes and the batch sweep. Target: well under a few seconds on 2 cores.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 5)]
[MemoryDiagnoser]
public class InferencePlanBenchmarks
{
    Scenario _scenario = null!;
    HardwareCalibration _calibration = null!;

    [GlobalSetup]
    public void Setup()
    {
        _scenario = new ScenarioReader(CatalogStore.Default).ReadYaml("workload: inference\nmodel: deepseek-v3\nhardware: h100-sxm\ncluster: {gpus: 64}\nprecision: fp8\ninference: {input_tokens: 2000, output_tokens: 500, tpot_ms: 50}\n");
        _calibration = CatalogStore.Default.Calibration(_scenario.Cluster.Accelerator);
    }

    [Benchmark(Description = "plan: serving search, DeepSeek-V3 on 64 H100")]
    public long Plan() => InferencePlanner.Plan(_scenario, _calibration, 5).PointsEvaluated;
}
