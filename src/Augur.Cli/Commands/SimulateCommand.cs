using System.CommandLine;
using Augur.Catalog.Loading;
using Augur.Plots;
using Augur.Reports;
using Augur.Reports.Console;
using Augur.Reports.Json;
using Augur.Workflows;
using Augur.Domain;
using Augur.Domain.Workloads;

namespace Augur.Cli.Commands;

/// <summary><c>augur simulate FILE</c>: request-level serving simulation.</summary>
static class SimulateCommand
{
    public static Command Create(TextWriter output, TextWriter error, CatalogStore catalog)
    {
        var file = Shared.ScenarioFile();
        var json = Shared.Json();
        var set = Shared.Set();
        var plot = Shared.Plot();
        var cmd = new Command("simulate", "simulate serving request by request (continuous batching, paged KV cache)") { file, json, set, plot };
        cmd.SetAction(r =>
        {
            var plotPath = Shared.PlotPath(r, plot);
            var s = Shared.Load(catalog, r.GetValue(file)!, r.GetValue(set));
            Shared.CheckPlottable(s, plotPath);
            // A trace's size is known only once it is read: then the count alone is shown. An RL step serves its samples.
            long total = s.Rl is { } rl ? rl.Samples : (s.Simulation ?? new SimulationSpec()) is { TracePath: null } spec ? spec.Requests : 0;
            var progress = Progress.Create(error, r.GetValue(json), total, "requests finished");
            SimulationOutcome o;
            try { o = SimulateWorkflow.Run(s, catalog, progress); }
            finally { Progress.Done(error, progress); }
            if (r.GetValue(json)) JsonOut.Write(output, OutcomeReport.Json(o, catalog));
            else Render.To(output, OutcomeReport.Tables(o, catalog));
            if (plotPath is not null) Chart.SaveAll(plotPath, OutcomeCharts.Of(o));
            return 0;
        });
        return cmd;
    }
}
