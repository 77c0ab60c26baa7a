using System.CommandLine;
using Augur.Catalog.Loading;
using Augur.Domain;
using Augur.Domain.Workloads;
using Augur.Plots;
using Augur.Reports;
using Augur.Reports.Console;
using Augur.Reports.Json;
using Augur.Workflows;

namespace Augur.Cli.Commands;

/// <summary><c>augur plan FILE</c>: search the layout keys the scenario leaves out.</summary>
static class PlanCommand
{

    public static Command Create(TextWriter output, TextWriter error, CatalogStore catalog)
    {
        var file = Shared.ScenarioFile();
        var json = Shared.Json();
        var set = Shared.Set();
        var plot = Shared.Plot();
        var top = new Option<int>("--top") { Description = "how many ranked layouts to show", DefaultValueFactory = _ => 5 };
        var cmd = new Command("plan", "search the parallel layouts a scenario leaves open and rank them by its objective") { file, json, top, set, plot };
        cmd.SetAction(r =>
        {
            var plotPath = Shared.PlotPath(r, plot);
            var s = Shared.Load(catalog, r.GetValue(file)!, r.GetValue(set));
            int n = r.GetValue(top);
            if (n < 1 || n > OutcomeReport.MaxTop) throw new InputException($"--top must be 1 to {OutcomeReport.MaxTop}, got {n}");
            bool asJson = r.GetValue(json);
            // A chart shows many more layouts than the table; the table still shows the best n.
            Shared.CheckPlottable(s, plotPath);
            int searched = plotPath is not null && s.Workload == WorkloadKind.Training ? Math.Max(n, OutcomeCharts.PlanLayouts) : n;
            var progress = Progress.Create(error, asJson, 0, "layouts costed");
            PlanOutcome outcome;
            try { outcome = PlanWorkflow.Run(s, catalog, searched, progress); }
            finally { Progress.Done(error, progress); }
            var shown = OutcomeReport.Top(outcome, n);
            if (asJson) JsonOut.Write(output, OutcomeReport.Json(shown, catalog));
            else Render.To(output, OutcomeReport.Tables(shown, catalog));
            if (plotPath is not null) Chart.SaveAll(plotPath, OutcomeCharts.Of(outcome));
            return 0;
        });
        return cmd;
    }
}
