using Augur.Domain.Hardware;
using Augur.CostModels.Compute;
using Augur.CostModels.Inference;
using Augur.Domain;
using Augur.Domain.Parallelism;
using Augur.Domain.Workloads;

namespace Augur.CostModels.Validation;

/// <summary>
/// Runs inference validation cases on their fixed layouts. Missing layout keys default to 1; aggregated cases
/// fill the cluster with replicas. Output metrics compare per GPU of the whole deployment when aggregated and per
/// decode GPU when disaggregated (published per-node numbers count only the decode nodes); input metrics compare
/// prompt tokens (cache hits included) per prefilling GPU.
/// </summary>
public static class InferenceValidator
{
    /// <summary>The case's model on its fixed layout and the steady-state estimate there.</summary>
    public static (InferenceModel Model, InferenceLayout Layout, InferenceEstimate Estimate) Build(ValidationCase c, HardwareCalibration cal)
    {
        var s = c.Scenario;
        var job = s.Inference ?? throw new InputException($"{c.Id}: not an inference case");
        var layout = LayoutFor(s);
        if (layout.Validate(s.Model, s.Cluster.Gpus) is { } err) throw new LayoutException($"{c.Id}: {err}");
        var model = new InferenceModel(s.Model, s.Cluster, job, s.Precision, cal);
        return (model, layout, model.Estimate(layout, s.Run));
    }

    /// <summary>The case's metric from <paramref name="est"/>, or from <paramref name="outputPerGpu"/> and
    /// <paramref name="decodeOutputPerGpu"/> where a serving of the published workload replaces the steady state's.</summary>
    public static ValidationResult Result(ValidationCase c, InferenceEstimate est, double? outputPerGpu = null, double? decodeOutputPerGpu = null)
    {
        bool disaggregated = c.Scenario.Inference!.Mode == ServingMode.Disaggregated;
        double predicted = c.Metric switch
        {
            "output_tokens_per_s_per_gpu" => disaggregated ? decodeOutputPerGpu ?? est.DecodeOutputTokensPerSecondPerGpu : outputPerGpu ?? est.OutputTokensPerSecondPerGpu,
            "input_tokens_per_s_per_gpu" => est.PrefillInputTokensPerSecondPerGpu,
            _ => throw new InputException($"{c.Id}: unknown inference metric '{c.Metric}'; use output_tokens_per_s_per_gpu or input_tokens_per_s_per_gpu"),
        };
        return new ValidationResult(c, predicted, c.Measured, predicted);
    }

    /// <summary>The scenario's layout with unset degrees at 1 and as many replicas as the cluster holds.</summary>
    public static InferenceLayout LayoutFor(Scenario s)
    {
        var spec = s.Layout;
        int tp = spec.Tp ?? 1, pp = spec.Pp ?? 1, ep = spec.Ep ?? 1, dpa = spec.DpAttention ?? 1;
        int perReplica = tp * pp * dpa;
        return new InferenceLayout(tp, pp, ep, dpa, Math.Max(1, s.Cluster.Gpus / perReplica));
    }
}
