using Augur.Catalog.Loading;
using Augur.CostModels.Validation;
using Augur.Domain.Workloads;

namespace Augur.Tests.Training;

public class ValidationTests
{
    [Fact]
    public void Training_throughput_mean_error_at_most_10_percent_and_none_worse_than_20()
    {
        // The target set: the supplementary and holdout tiers are reported apart (augur validate).
        var cases = ValidationReader.Read(CatalogStore.Default)
            .Where(c => c.Scenario.Workload == WorkloadKind.Training && !c.IsSupplementary && !c.IsHoldout).ToList();
        Assert.Equal(15, cases.Count);
        var results = cases.Select(c => TrainingValidator.Run(c, CatalogStore.Default.Calibration(c.Scenario.Cluster.Accelerator))).ToList();
        double mape = results.Average(r => Math.Abs(r.Error));
        Assert.True(mape <= 0.10, $"MAPE {mape:P1}");
        foreach (var r in results) Assert.True(Math.Abs(r.Error) <= 0.20, $"{r.Case.Id}: {r.Error:P1}");
    }
}
