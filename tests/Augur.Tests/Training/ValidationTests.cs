using Augur.Catalog.Loading;
using Augur.CostModels.Validation;
using Augur.Domain.Workloads;

namespace Augur.Tests.Training;

public class ValidationTests
{
    [Fact]
    public void The_training_fit_reproduces_its_cases_within_10_percent_mean_and_20_worst()
    {
        // The in-sample tier (Ampere and Hopper GEMM efficiency were fitted to it); the out-of-sample error is reported
        // by augur validate, not held to a target here.
        var cases = ValidationReader.Read(CatalogStore.Default)
            .Where(c => c.Scenario.Workload == WorkloadKind.Training && c.Tier == ValidationTier.InSample).ToList();
        Assert.Equal(16, cases.Count);
        var results = cases.Select(c => TrainingValidator.Run(c, CatalogStore.Default.Calibration(c.Scenario.Cluster.Accelerator))).ToList();
        double mape = results.Average(r => Math.Abs(r.Error));
        Assert.True(mape <= 0.10, $"MAPE {mape:P1}");
        foreach (var r in results) Assert.True(Math.Abs(r.Error) <= 0.20, $"{r.Case.Id}: {r.Error:P1}");
    }
}
