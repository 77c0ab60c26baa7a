using Augur.Catalog.Loading;
using Augur.CostModels.Uncertainty;
using Augur.CostModels.Validation;
using Augur.Domain.Workloads;

namespace Augur.Workflows;

/// <summary>Every shipped published measurement beside its prediction, and every measured kernel beside the operator model.</summary>
/// <param name="Bands">The error bands the out-of-sample cases give (and their leave-one-out coverage).</param>
public sealed record ValidationOutcome(IReadOnlyList<ValidationResult> Cases, IReadOnlyList<KernelValidation> Kernels, ErrorBands Bands);

/// <summary><c>validate</c>: the catalog's validation cases and kernel measurements against the cost models.</summary>
public static class ValidateWorkflow
{
    public static ValidationOutcome Run(CatalogStore catalog)
    {
        var cases = Cases(catalog);
        return new(cases, Kernels(catalog), ErrorBands.From(cases));
    }

    /// <param name="workload">Only the cases of this workload; null for all.</param>
    public static IReadOnlyList<ValidationResult> Cases(CatalogStore catalog, WorkloadKind? workload = null) =>
        ValidationReader.Read(catalog, workload).Select(c =>
        {
            var cal = catalog.Calibration(c.Scenario.Cluster.Accelerator);
            return c.Scenario.Workload switch
            {
                WorkloadKind.Training => TrainingValidator.Run(c, cal),
                WorkloadKind.Rl => RlValidator.Run(c, cal),
                _ => InferenceValidator.Run(c, cal),
            };
        }).ToList();

    /// <summary>Every shipped kernel-measurement set against the operator model of its accelerator.</summary>
    public static IReadOnlyList<KernelValidation> Kernels(CatalogStore catalog) =>
        catalog.Measurements.Select(set =>
        {
            var a = catalog.Accelerator(set.AcceleratorId);
            return KernelValidator.Validate(set, a, catalog.Calibration(a));
        }).ToList();
}
