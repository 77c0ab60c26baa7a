using System.CommandLine;
using Augur.Catalog.Loading;
using Augur.CostModels.Validation;
using Augur.Domain.Workloads;
using Augur.Reports;
using Augur.Reports.Console;
using Augur.Reports.Json;

namespace Augur.Cli.Commands;

/// <summary><c>augur validate</c>: every shipped published measurement beside Augur's prediction.</summary>
static class ValidateCommand
{
    public static Command Create(TextWriter output)
    {
        var json = Shared.Json();
        var kernels = new Option<bool>("--kernels") { Description = "list every measured kernel (catalog/measurements) beside its predicted time" };
        var cmd = new Command("validate", "compare predictions with the published measurements in catalog/validation and the kernels measured in catalog/measurements") { json, kernels };
        cmd.SetAction(r =>
        {
            var (results, summaries) = RunAll();
            var measured = RunKernels();
            bool every = r.GetValue(kernels);
            if (r.GetValue(json))
            {
                var doc = ValidationReport.Json(results, summaries);
                doc["kernels"] = KernelValidationReport.Json(measured, every);
                JsonOut.Write(output, doc);
            }
            else Render.To(output, [.. ValidationReport.Tables(results, summaries), .. KernelValidationReport.Tables(measured, every)]);
            return 0;
        });
        return cmd;
    }

    public static (IReadOnlyList<ValidationResult>, IReadOnlyList<ValidationReport.Summary>) RunAll()
    {
        var catalog = CatalogStore.Default;
        var results = new List<ValidationResult>();
        foreach (var c in ValidationReader.Read(catalog))
        {
            var cal = catalog.Calibration(c.Scenario.Cluster.Accelerator);
            results.Add(c.Scenario.Workload == WorkloadKind.Training ? TrainingValidator.Run(c, cal) : InferenceCommands.Validate(c, cal));
        }
        var summaries = new List<ValidationReport.Summary>();
        foreach (var kind in new[] { WorkloadKind.Training, WorkloadKind.Inference })
        {
            string name = kind.ToString().ToLowerInvariant();
            var ofKind = results.Where(x => x.Case.Scenario.Workload == kind).ToList();
            var target = ofKind.Where(x => !x.Case.IsHoldout && !x.Case.IsSupplementary).ToList();
            var supplementary = ofKind.Where(x => x.Case.IsSupplementary).ToList();
            var holdout = ofKind.Where(x => x.Case.IsHoldout).ToList();
            if (target.Count > 0) summaries.Add(ValidationReport.Summarize(name, target));
            if (supplementary.Count > 0) summaries.Add(ValidationReport.Summarize(name + " supplementary (more published runs, calibrated hardware)", supplementary));
            if (holdout.Count > 0) summaries.Add(ValidationReport.Summarize(name + " holdout (hardware never calibrated on)", holdout));
        }
        return (results, summaries);
    }

    /// <summary>Every shipped kernel-measurement set against the operator model of its accelerator.</summary>
    public static IReadOnlyList<KernelValidation> RunKernels()
    {
        var catalog = CatalogStore.Default;
        return catalog.Measurements.Select(set =>
        {
            var a = catalog.Accelerator(set.AcceleratorId);
            return KernelValidator.Validate(set, a, catalog.Calibration(a));
        }).ToList();
    }
}
