using System.CommandLine;
using Augur.Catalog.Loading;
using Augur.CostModels.Validation;
using Augur.Domain.Workloads;
using Augur.Workflows;
using Augur.Reports;
using Augur.Reports.Console;
using Augur.Reports.Json;

namespace Augur.Cli.Commands;

/// <summary><c>augur validate</c>: every shipped published measurement beside Augur's prediction.</summary>
static class ValidateCommand
{
    public static Command Create(TextWriter output, CatalogStore catalog)
    {
        var json = Shared.Json();
        var kernels = new Option<bool>("--kernels") { Description = "list every measured kernel (catalog/measurements) beside its predicted time" };
        var cmd = new Command("validate", "compare predictions with the published measurements in catalog/validation and the kernels measured in catalog/measurements") { json, kernels };
        cmd.SetAction(r =>
        {
            var outcome = ValidateWorkflow.Run(catalog);
            var (results, measured) = (outcome.Cases, outcome.Kernels);
            var summaries = Summaries(results);
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

    /// <summary>The mean error of each tier of each workload.</summary>
    public static IReadOnlyList<ValidationReport.Summary> Summaries(IReadOnlyList<ValidationResult> results)
    {
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
        return summaries;
    }
}
