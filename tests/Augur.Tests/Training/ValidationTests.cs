using Augur.Catalog.Loading;
using Augur.CostModels.Validation;
using Augur.Domain.Workloads;

namespace Augur.Tests.Training;

public class ValidationTests
{
    [Fact]
    public void Training_throughput_mean_error_at_most_10_percent_and_none_worse_than_20()
    {
        var cases = ValidationReader.Read(CatalogStore.Default).Where(c => c.Scenario.Workload == WorkloadKind.Training).ToList();
        Assert.True(cases.Count >= 15);
        var results = cases.Select(c => TrainingValidator.Run(c, CatalogStore.Default.Calibration(c.Scenario.Cluster.Accelerator))).ToList();
        double mape = results.Average(r => Math.Abs(r.Error));
        Assert.True(mape <= 0.10, $"MAPE {mape:P1}");
        foreach (var r in results) Assert.True(Math.Abs(r.Error) <= 0.20, $"{r.Case.Id}: {r.Error:P1}");
    }
}
