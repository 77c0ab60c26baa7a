using System.CommandLine;
using Augur.Catalog.Loading;
using Augur.Plots;
using Augur.Reports;
using Augur.Reports.Console;
using Augur.Reports.Json;
using Augur.Workflows;

namespace Augur.Cli.Commands;

/// <summary><c>augur estimate FILE</c>: cost the layout a scenario gives.</summary>
static class EstimateCommand
{
    public static Command Create(TextWriter output, TextWriter error, CatalogStore catalog)
    {
        var file = Shared.ScenarioFile();
        var json = Shared.Json();
        var set = Shared.Set();
        var plot = Shared.Plot();
        var cmd = new Command("estimate", "cost the layout given in a scenario file (unstated degrees default to 1, dp fills the GPUs)") { file, json, set, plot };
        cmd.SetAction(r =>
        {
            var plotPath = Shared.PlotPath(r, plot);
            var s = Shared.Load(catalog, r.GetValue(file)!, r.GetValue(set));
            bool asJson = r.GetValue(json);
            Shared.CheckPlottable(s, plotPath);
            // A serving scenario's inference.requests is served request by request beside the steady state.
            var progress = s.Inference?.Requests is { } requests ? Progress.Create(error, asJson, requests, "burst requests finished") : null;
            EstimateOutcome outcome;
            try { outcome = EstimateWorkflow.Run(s, catalog, progress: progress); }
            finally { Progress.Done(error, progress); }
            if (asJson) JsonOut.Write(output, OutcomeReport.Json(outcome, catalog));
            else Render.To(output, OutcomeReport.Tables(outcome, catalog));
            if (plotPath is not null) Chart.SaveAll(plotPath, OutcomeCharts.Of(outcome));
            return 0;
        });
        return cmd;
    }
}
