using System.CommandLine;
using Augur.Catalog.Loading;
using Augur.CostModels.Run;
using Augur.CostModels.Training;
using Augur.Domain.Parallelism;
using Augur.Domain.Workloads;
using Augur.Reports.Console;
using Augur.Reports.Json;
using Augur.Reports.Training;

namespace Augur.Cli.Commands;

/// <summary><c>augur estimate FILE</c>: cost the layout a scenario gives.</summary>
static class EstimateCommand
{
    public static Command Create(TextWriter output)
    {
        var file = Shared.ScenarioFile();
        var json = Shared.Json();
        var cmd = new Command("estimate", "cost the layout given in a scenario file (unstated degrees default to 1, dp fills the GPUs)") { file, json };
        cmd.SetAction(r =>
        {
            var s = Shared.Load(r.GetValue(file)!);
            if (s.Workload == WorkloadKind.Inference) return InferenceCommands.Estimate(s, r.GetValue(json), output);
            var (e, run) = Training(s);
            if (r.GetValue(json)) JsonOut.Write(output, TrainingReport.Json(s, e, run));
            else Render.To(output, TrainingReport.Tables(s, e, run));
            return 0;
        });
        return cmd;
    }

    public static (TrainingEstimate, RunEstimate?) Training(Scenario s)
    {
        var job = s.Training!;
        var layout = LayoutDefaults.Complete(s.Layout, s.Cluster.Gpus);
        if (LayoutValidator.Check(s.Model, s.Cluster.Gpus, layout, job.SeqLen, job.GlobalBatch) is { } err)
            throw new LayoutException(err);
        var model = new TrainingModel(s.Model, s.Cluster, job, CatalogStore.Default.Calibration(s.Cluster.Accelerator));
        var e = model.Estimate(layout);
        return (e, Run(s, model, e));
    }

    public static RunEstimate? Run(Scenario s, TrainingModel model, TrainingEstimate e)
    {
        var job = s.Training!;
        if (job.TokenBudget is null && job.FlopBudget is null) return null;
        return RunProjection.Project(e.StepSeconds, job.TokensPerStep, model.ModelFlopsPerStep, s.Cluster.Gpus, job, s.Run, s.Cluster.Accelerator.Power);
    }
}
