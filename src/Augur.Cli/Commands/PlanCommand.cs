using System.CommandLine;
using Augur.Catalog.Loading;
using Augur.CostModels.Training;
using Augur.Domain;
using Augur.Domain.Workloads;
using Augur.Reports.Console;
using Augur.Reports.Json;
using Augur.Reports.Training;
using Augur.Search.Training;

namespace Augur.Cli.Commands;

/// <summary><c>augur plan FILE</c>: search the layout keys the scenario leaves out.</summary>
static class PlanCommand
{
    public static Command Create(TextWriter output)
    {
        var file = Shared.ScenarioFile();
        var json = Shared.Json();
        var top = new Option<int>("--top") { Description = "how many ranked layouts to show", DefaultValueFactory = _ => 5 };
        var cmd = new Command("plan", "search the parallel layouts a scenario leaves open and rank them by its objective") { file, json, top };
        cmd.SetAction(r =>
        {
            var s = Shared.Load(r.GetValue(file)!);
            int n = r.GetValue(top);
            if (n < 1) throw new InputException($"--top must be at least 1, got {n}");
            if (s.Workload == WorkloadKind.Inference) return InferenceCommands.Plan(s, r.GetValue(json), n, output);
            var model = new TrainingModel(s.Model, s.Cluster, s.Training!, CatalogStore.Default.Calibration(s.Cluster.Accelerator));
            var plan = TrainingPlanner.Plan(model, s, n);
            var best = plan.Ranked.Count > 0 ? plan.Ranked[0] : (TrainingEstimate?)null;
            var run = best is { } b ? EstimateCommand.Run(s, model, b) : null;
            if (r.GetValue(json))
                JsonOut.Write(output, PlanReport.Json(plan, best is { } bb ? TrainingReport.Json(s, bb, run) : null));
            else
            {
                Render.To(output, PlanReport.Tables(plan));
                if (best is { } w) Render.To(output, TrainingReport.Tables(s, w, run));
            }
            return 0;
        });
        return cmd;
    }
}
