using System.CommandLine;
using Augur.Catalog.Loading;
using Augur.Domain;
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

    public static Command Create(TextWriter output, CatalogStore catalog)
    {
        var file = Shared.ScenarioFile();
        var json = Shared.Json();
        var set = Shared.Set();
        var top = new Option<int>("--top") { Description = "how many ranked layouts to show", DefaultValueFactory = _ => 5 };
        var cmd = new Command("plan", "search the parallel layouts a scenario leaves open and rank them by its objective") { file, json, top, set };
        cmd.SetAction(r =>
        {
            var s = Shared.Load(catalog, r.GetValue(file)!, r.GetValue(set));
            int n = r.GetValue(top);
            if (n < 1 || n > MaxTop) throw new InputException($"--top must be 1 to {MaxTop}, got {n}");
            bool asJson = r.GetValue(json);
            switch (PlanWorkflow.Run(s, catalog, n))
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
            return 0;
        });
        return cmd;
    }
}
