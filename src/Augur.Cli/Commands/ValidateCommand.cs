using System.CommandLine;
using Augur.Catalog.Loading;
using Augur.Workflows;
using Augur.Plots;
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
        var plot = Shared.Plot();
        var kernels = new Option<bool>("--kernels") { Description = "list every measured kernel (catalog/measurements) beside its predicted time" };
        // The tool's pack step saves the evidence of the error bands beside augur.dll (see Augur.Cli.csproj).
        var saveBands = new Option<string>("--save-band-evidence") { Hidden = true };
        var cmd = new Command("validate", "compare predictions with the published measurements in catalog/validation and the kernels measured in catalog/measurements") { json, kernels, plot, saveBands };
        cmd.SetAction(r =>
        {
            if (r.GetValue(saveBands) is { } path)
            {
                Shared.WriteText(path, ErrorBandWorkflow.SavedText(catalog));
                return 0;
            }
            var plotPath = Shared.PlotPath(r, plot);
            var outcome = ValidateWorkflow.Run(catalog);
            var (results, measured, bands) = (outcome.Cases, outcome.Kernels, outcome.Bands);
            bool every = r.GetValue(kernels);
            if (r.GetValue(json))
            {
                var doc = ValidationReport.Json(results, bands);
                doc["kernels"] = KernelValidationReport.Json(measured, every);
                JsonOut.Write(output, doc);
            }
            else Render.To(output, [.. ValidationReport.Tables(results, bands), .. KernelValidationReport.Tables(measured, every)]);
            if (plotPath is not null) ValidationChart.Of(outcome).Save(plotPath);
            return 0;
        });
        return cmd;
    }
}
