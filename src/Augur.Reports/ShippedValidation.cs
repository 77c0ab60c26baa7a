using Augur.Catalog.Loading;
using Augur.CostModels.Uncertainty;
using Augur.CostModels.Validation;
using Augur.Domain.Workloads;

namespace Augur.Reports;

/// <summary>
/// The shipped validation corpus (catalog/validation), run once per process: every case's result, and the error
/// bands its out-of-sample cases give to the estimates reported beside them (kept off the estimators' hot path).
/// </summary>
public static class ShippedValidation
{
    static readonly Lazy<IReadOnlyList<ValidationResult>> LazyResults = new(Run);
    static readonly Lazy<ErrorBands> LazyBands = new(() => ErrorBands.From(Results));

    public static IReadOnlyList<ValidationResult> Results => LazyResults.Value;
    public static ErrorBands Bands => LazyBands.Value;

    /// <summary>The band for a scenario's prediction; an accelerator whose family has no calibration file is uncalibrated.</summary>
    public static ErrorBand? BandFor(Scenario s)
    {
        var a = s.Cluster.Accelerator;
        return Bands.For(BandKey.Of(s, CatalogStore.Default.Calibration(a).Family == a.Family));
    }

    static IReadOnlyList<ValidationResult> Run()
    {
        var catalog = CatalogStore.Default;
        return ValidationReader.Read(catalog).Select(c =>
        {
            var cal = catalog.Calibration(c.Scenario.Cluster.Accelerator);
            return c.Scenario.Workload == WorkloadKind.Training ? TrainingValidator.Run(c, cal) : InferenceValidator.Run(c, cal);
        }).ToList();
    }
}
