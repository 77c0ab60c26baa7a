using Augur.Catalog.Loading;
using Augur.Workflows;
using Augur.Workflows.Sweeps;
using BenchmarkDotNet.Attributes;

namespace Augur.Benchmarks;

/// <summary>
/// A 10,000-point sweep (HBM capacity × HBM bandwidth, 100 values each), every point a full training layout search
/// for Llama 3.1 405B on 16,384 H100-class GPUs, on all cores. Target (issue #12): under 10 s on the 2-core machine.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 0, iterationCount: 1)]
public class SweepBenchmarks
{
    ScenarioDocument _document = null!;
    SweepGrid _grid = null!;

    [GlobalSetup]
    public void Setup()
    {
        _document = ScenarioDocument.FromYaml("workload: training\nmodel: llama3.1-405b\nhardware: h100-sxm\ncluster: {gpus: 16384}\nprecision: bf16\ntraining: {seq_len: 8192, global_batch: 2048}\n");
        _grid = new SweepGrid([SweepAxis.Parse("hardware.hbm_gb=60:159:1"), SweepAxis.Parse("hardware.hbm_tb_s=2:3.98:0.02")]);
    }

    [Benchmark(Description = "sweep: 10,000 full 405B layout searches")]
    public long Sweep()
    {
        long ok = 0;
        SweepWorkflow.Run(_document, CatalogStore.Default, _grid, SweepMode.Plan, SweepShard.Whole, new HashSet<long>(),
            p => { if (p.Status == SweepStatus.Ok) ok++; });
        return ok;
    }
}
