using System.Runtime.ExceptionServices;
using Augur.Catalog.Loading;
using Augur.CostModels.Training;
using Augur.CostModels.Uncertainty;
using Augur.CostModels.Validation;
using Augur.Domain.Hardware;
using Augur.Domain.Workloads;
using Augur.Search.Training;

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
    /// <param name="outOfSampleOnly">Only the cases no parameter was fitted to (all an error band draws on).</param>
    public static IReadOnlyList<ValidationResult> Cases(CatalogStore catalog, WorkloadKind? workload = null, bool outOfSampleOnly = false)
    {
        var cases = ValidationReader.Read(catalog, workload).Where(c => !outOfSampleOnly || c.Tier == ValidationTier.OutOfSample);
        // The cases are independent, so they run on every core; AsOrdered keeps the file order the reports show, and
        // a case's own error (a bad case file) surfaces as itself, not wrapped.
        try
        {
            return cases.AsParallel().AsOrdered().Select(c => Run(c, catalog)).ToList();
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
            throw;
        }
    }

    /// <summary>One case against its prediction, as <c>validate</c> runs it.</summary>
    public static ValidationResult Run(ValidationCase c, CatalogStore catalog)
    {
        var cal = catalog.Calibration(c.Scenario.Cluster.Accelerator);
        return c.Scenario.Workload switch
        {
            WorkloadKind.Training => InPlanSpace(TrainingValidator.Run(c, cal)),
            WorkloadKind.Rl => RlValidator.Run(c, cal),
            _ => Inference(c, cal),
        };
    }

    /// <summary>A training case with whether the planner, fixing nothing, enumerates its published layout (issue #10: plan finds what ran).</summary>
    static ValidationResult InPlanSpace(ValidationResult r)
    {
        var s = r.Case.Scenario;
        var layout = LayoutDefaults.Complete(s.Layout, s.Cluster.Gpus);
        return r with { InPlanSpace = TrainingSearchSpace.Holds(s.Model, s.Cluster.Gpus, s.Cluster.ScaleUpDomain, s.Training!, layout, s.Cluster.Sites) };
    }

    /// <summary>
    /// A serving case; one that names its benchmark's request count (inference.requests) compares the throughput of
    /// serving that burst, request by request, with the published figure.
    /// </summary>
    static ValidationResult Inference(ValidationCase c, HardwareCalibration cal)
    {
        var (model, layout, estimate) = InferenceValidator.Build(c, cal);
        var burst = estimate.Fits ? OfflineBurst.Run(model, layout, estimate) : null;
        return InferenceValidator.Result(c, estimate, burst?.OutputTokensPerSecondPerGpu, burst?.DecodeOutputTokensPerSecondPerGpu);
    }

    /// <summary>Every shipped kernel-measurement set against the operator model of its accelerator.</summary>
    public static IReadOnlyList<KernelValidation> Kernels(CatalogStore catalog) =>
        catalog.Measurements.Select(set =>
        {
            var a = catalog.Accelerator(set.AcceleratorId);
            return KernelValidator.Validate(set, a, catalog.Calibration(a));
        }).ToList();
}
