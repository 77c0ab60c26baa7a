using System.CommandLine;
using Augur.Catalog.Loading;
using Augur.Domain;
using Augur.Domain.Workloads;
using Augur.Plots;
using Augur.Reports.Console;
using Augur.Reports.Inference;
using Augur.Reports.Json;
using Augur.Reports.Training;
using Augur.Workflows;

namespace Augur.Cli.Commands;

/// <summary><c>augur plan FILE</c>: search the layout keys the scenario leaves out.</summary>
static class PlanCommand
{
    /// <summary>Most ranked layouts shown; the ranking is kept in memory, so it is bounded.</summary>
    const int MaxTop = 1000;
    /// <summary>Layouts a training plan's chart shows.</summary>
    const int PlotLayouts = 200;

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
            if (n < 1 || n > MaxTop) throw new InputException($"--top must be 1 to {MaxTop}, got {n}");
            bool asJson = r.GetValue(json);
            // A chart shows many more layouts than the table; the table still shows the best n.
            int searched = plotPath is not null && s.Workload == WorkloadKind.Training ? Math.Max(n, PlotLayouts) : n;
            var progress = Progress.Create(error, asJson, 0, "layouts costed");
            PlanOutcome outcome;
            try { outcome = PlanWorkflow.Run(s, catalog, searched, progress); }
            finally { Progress.Done(error, progress); }
            var shown = outcome is TrainingPlanOutcome all ? all with { Plan = all.Plan with { Ranked = all.Plan.Ranked.Take(n).ToList() } } : outcome;
            switch (shown)
            {
                case TrainingPlanOutcome t when asJson:
                    JsonOut.Write(output, PlanReport.Json(t.Plan, t.Best is { } b ? TrainingReport.Json(s, b, t.Run, ErrorBandWorkflow.For(s, catalog)) : null));
                    break;
                case TrainingPlanOutcome t:
                    Render.To(output, PlanReport.Tables(t.Plan));
                    if (t.Best is { } w) Render.To(output, TrainingReport.Tables(s, w, t.Run, ErrorBandWorkflow.For(s, catalog)));
                    break;
                case InferencePlanOutcome i when asJson:
                    JsonOut.Write(output, InferencePlanReport.Json(i.Plan, InferenceReport.Json(i.Chosen, i.Plan.Best.Estimate, ErrorBandWorkflow.For(i.Chosen, catalog))));
                    break;
                case InferencePlanOutcome i:
                    Render.To(output, InferencePlanReport.Tables(i.Plan));
                    Render.To(output, Render.Line("Winner in full:"));
                    Render.To(output, InferenceReport.Tables(i.Chosen, i.Plan.Best.Estimate, ErrorBandWorkflow.For(i.Chosen, catalog)));
                    break;
            }
            if (plotPath is not null)
                (outcome is TrainingPlanOutcome tp ? TrainingCharts.Plan(tp) : InferenceCharts.Plan((InferencePlanOutcome)outcome)).Save(plotPath);
            return 0;
        });
        return cmd;
    }
}
