using Augur.Catalog.Loading;
using Augur.CostModels.Compute;
using Augur.CostModels.Inference;
using Augur.CostModels.Validation;
using Augur.Domain;
using Augur.Domain.Parallelism;
using Augur.Domain.Workloads;
using Augur.Reports.Console;
using Augur.Reports.Inference;
using Augur.Reports.Json;
using Augur.Search.Inference;

namespace Augur.Cli.Commands;

/// <summary>Inference entry points of estimate and validate.</summary>
static class InferenceCommands
{
    public static int Estimate(Scenario s, bool json, TextWriter output)
    {
        var e = Run(s);
        if (json) JsonOut.Write(output, InferenceReport.Json(s, e));
        else Render.To(output, InferenceReport.Tables(s, e));
        return 0;
    }

    public static InferenceEstimate Run(Scenario s)
    {
        var (model, layout) = Model(s);
        return model.Estimate(layout, s.Run.UsdPerGpuHour);
    }

    /// <summary>The estimator's model of an inference scenario and its validated layout.</summary>
    public static (InferenceModel Model, InferenceLayout Layout) Model(Scenario s)
    {
        var layout = InferenceValidator.LayoutFor(s);
        if (layout.Validate(s.Model, s.Cluster.Gpus) is { } err) throw new LayoutException(err);
        if (layout.ValidatePools(s.Inference!, s.Cluster.Gpus) is { } pools) throw new LayoutException(pools);
        return (new InferenceModel(s.Model, s.Cluster, s.Inference!, s.Precision, CatalogStore.Default.Calibration(s.Cluster.Accelerator)), layout);
    }

    public static int Plan(Scenario s, bool json, int top, TextWriter output)
    {
        var plan = InferencePlanner.Plan(s, CatalogStore.Default.Calibration(s.Cluster.Accelerator), top);
        var w = plan.Best;
        // The winner's estimate is reported as if the scenario fixed its mode and batch.
        var chosen = s with { Inference = s.Inference! with { Mode = w.Mode, Concurrency = w.Batch } };
        if (json) JsonOut.Write(output, InferencePlanReport.Json(plan, InferenceReport.Json(chosen, w.Estimate)));
        else
        {
            Render.To(output, InferencePlanReport.Tables(plan));
            Render.To(output, Render.Line("Winner in full:"));
            Render.To(output, InferenceReport.Tables(chosen, w.Estimate));
        }
        return 0;
    }

    public static ValidationResult Validate(ValidationCase c, HardwareCalibration cal) => InferenceValidator.Run(c, cal);
}
