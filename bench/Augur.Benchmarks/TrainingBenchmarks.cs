using Augur.Catalog.Loading;
using Augur.CostModels.Training;
using Augur.Domain.Parallelism;
using Augur.Domain.Workloads;
using Augur.Search.Training;
using BenchmarkDotNet.Attributes;

namespace Augur.Benchmarks;

/// <summary>
/// One training estimate and the full layout search for Llama 3.1 405B on 16,384 H100s (seq 8192, 2,048
/// sequences per step). Target (issue #2): the search under 1 s and at least 200,000 layout evaluations per second.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 5)]
[MemoryDiagnoser]
public class TrainingBenchmarks
{
    Scenario _scenario = null!;
    TrainingModel _model = null!;
    ParallelLayout _layout;

    [GlobalSetup]
    public void Setup()
    {
        const string yaml = "workload: training\nmodel: llama3.1-405b\nhardware: h100-sxm\ncluster: {gpus: 16384}\nprecision: bf16\ntraining: {seq_len: 8192, global_batch: 2048}\n";
        _scenario = new ScenarioReader(CatalogStore.Default).ReadYaml(yaml);
        _model = new TrainingModel(_scenario.Model, _scenario.Cluster, _scenario.Training!, CatalogStore.Default.Calibration(_scenario.Cluster.Accelerator));
        _layout = new ParallelLayout(Tp: 8, Pp: 16, Vp: 4, Dp: 64, Cp: 2, Ep: 1, Etp: 1, Sp: true, Zero: 1, MicroBatch: 1, Recompute: Recompute.None);
    }

    [Benchmark(Description = "estimate one layout (memory + step time)")]
    public double Estimate() => _model.Estimate(_layout).StepTime.Value;

    [Benchmark(Description = "plan: full search, 405B on 16,384 H100")]
    public long Plan() => TrainingPlanner.Plan(_model, _scenario, 5).ConfigsEvaluated;
}
