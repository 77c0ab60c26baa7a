using Augur.Catalog.Loading;
using Augur.CostModels.Run;
using Augur.Reports;
using Augur.Units;

namespace Augur.Tests.Training;

public class RunTests
{
    [Fact]
    public void One_e25_flops_on_one_b300_takes_35_years_at_the_sparse_peak_and_70_at_half()
    {
        var b300 = CatalogStore.Default.Accelerator("b300");
        var rows = BudgetReport.Rows(b300, 1e25, 1, 0.5);
        var sparse = rows.Single(r => r.Sparse);
        Assert.Equal(9.0, sparse.PeakTflops / 1000, 3);
        Assert.InRange(sparse.YearsAtPeak, 35.0, 35.5);      // 1e25 / 9e15 s = 35.2 years
        Assert.InRange(sparse.YearsAtUtilization, 70.0, 71.0); // at 50%
        var dense = rows.Single(r => r.Peak == "fp8 dense");
        Assert.Equal(4.5, dense.PeakTflops / 1000, 3);
    }

    [Fact]
    public void Young_interval_is_sqrt_2_delta_m()
    {
        Assert.Equal(Math.Sqrt(2 * 60 * 3600.0), RunProjection.YoungInterval(60, 3600), 9);
        // Daly (2006): √(2δM)·(1 + √(δ/2M)/3 + (δ/2M)/9) − δ = 657.27 × 1.03136 − 60 = 617.9 s.
        Assert.Equal(617.9, RunProjection.DalyInterval(60, 3600), 1);
    }

    [Fact]
    public void Llama3_cluster_sees_hundreds_of_interruptions_in_54_days()
    {
        // 16,384 GPUs at the default per-GPU MTBF (derived from 419 unexpected interruptions in 54 days) over 54 days.
        var job = new Augur.Domain.Workloads.TrainingJob { SeqLen = 8192, GlobalBatch = 2048, Precision = Augur.Domain.Hardware.Precision.BF16, TokenBudget = 2048 * 8192 * 1000.0 };
        var run = new Augur.Domain.Workloads.RunEconomics { UsdPerGpuHour = 2, GpuMtbfHours = Augur.Domain.Workloads.RunEconomics.DefaultGpuMtbfHours, CheckpointWriteSeconds = 0, RestartSeconds = 0, PowerUtilization = 1, Pue = 1 };
        double step = 54 * 86400.0 / 1000;
        var r = RunProjection.Project(new RunInputs
        {
            StepTime = new Seconds(step), ModelFlopsPerStep = new Flops(1), Gpus = 16384,
            Accelerator = CatalogStore.Default.Accelerator("h100-sxm"), Job = job, Run = run,
        });
        Assert.InRange(r.ExpectedInterruptions, 410, 430);
        Assert.Equal(16384 * 54 * 24.0 * 2, r.Cost.Value, 0);
    }
}
