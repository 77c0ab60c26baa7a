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
        var cmd = new Command("validate", "compare predictions with the published measurements shipped in catalog/validation") { json };
        cmd.SetAction(r =>
        {
            var (results, summaries) = RunAll();
            if (r.GetValue(json)) JsonOut.Write(output, ValidationReport.Json(results, summaries));
            else Render.To(output, ValidationReport.Tables(results, summaries));
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
            var target = ofKind.Where(x => !x.Case.IsHoldout).ToList();
            var holdout = ofKind.Where(x => x.Case.IsHoldout).ToList();
            if (target.Count > 0) summaries.Add(ValidationReport.Summarize(name, target));
            if (holdout.Count > 0) summaries.Add(ValidationReport.Summarize(name + " holdout (hardware never calibrated on)", holdout));
        }
        return (results, summaries);
    }
}
