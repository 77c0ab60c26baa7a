using Augur.CostModels.Analysis;
using Augur.CostModels.Compute;
using Augur.CostModels.Rl;
using Augur.CostModels.Training;
using Augur.Domain;
using Augur.Domain.Hardware;
using Augur.Domain.Parallelism;
using Augur.Domain.Workloads;

namespace Augur.CostModels.Validation;

/// <summary>One case's prediction beside its published value, both in tokens/s per GPU.</summary>
public sealed record ValidationResult(ValidationCase Case, double PredictedTokensPerGpu, double MeasuredTokensPerGpu, double PredictedPublishedUnit)
{
    /// <summary>Signed relative error of the prediction ((pred − measured) / measured).</summary>
    public double Error => (PredictedTokensPerGpu - MeasuredTokensPerGpu) / MeasuredTokensPerGpu;

    /// <summary>Predicted memory per GPU against capacity on the case's layout (training cases; null for serving).</summary>
    public MemoryFit? Memory { get; init; }

    /// <summary>Training: whether a search that fixes nothing enumerates the case's published layout; null where not checked.</summary>
    public bool? InPlanSpace { get; init; }

    /// <summary>The costed RL step of an RL case (its phases and pools); null for training and serving.</summary>
    public RlEstimate? Rl { get; init; }

    /// <summary>An RL case's published phases beside Augur's; empty where the source times only the whole step.</summary>
    public IReadOnlyList<RlPhaseCheck> RlPhases { get; init; } = [];
}

/// <summary>Runs training validation cases on their fixed layouts.</summary>
public static class TrainingValidator
{
    public static ValidationResult Run(ValidationCase c, HardwareCalibration cal)
    {
        var s = c.Scenario;
        var job = s.Training ?? throw new InputException($"{c.Id}: not a training case");
        var layout = LayoutDefaults.Complete(s.Layout, s.Cluster.Gpus);
        if (LayoutValidator.Check(s.Model, s.Cluster.Gpus, layout, job.SeqLen, job.GlobalBatch, job.MtpLayers, job.ContextParallelComm) is { } err)
            throw new LayoutException($"{c.Id}: {err}");
        var model = new TrainingModel(s.Model, s.Cluster, job, cal);
        var est = model.Estimate(layout);
        double perToken = FlopsPerToken(c.Convention, s, model, layout);
        double measured = c.Metric switch
        {
            "tokens_per_s_per_gpu" => c.Measured,
            "tflops_per_gpu" => c.Measured * 1e12 / perToken,
            "mfu" => c.Measured * s.Cluster.Accelerator.Peak(s.Precision).PerSecond / perToken,
            _ => throw new InputException($"{c.Id}: unknown training metric '{c.Metric}'"),
        };
        double predictedUnit = c.Metric switch
        {
            "tokens_per_s_per_gpu" => est.TokensPerSecondPerGpu,
            "tflops_per_gpu" => est.TokensPerSecondPerGpu * perToken / 1e12,
            _ => est.TokensPerSecondPerGpu * perToken / s.Cluster.Accelerator.Peak(s.Precision).PerSecond,
        };
        return new ValidationResult(c, est.TokensPerSecondPerGpu, measured, predictedUnit)
        {
            Memory = new MemoryFit(est.Memory.Total, s.Cluster.Accelerator.HbmCapacity),
        };
    }

    static double FlopsPerToken(FlopConvention conv, Scenario s, TrainingModel model, ParallelLayout l)
    {
        var m = s.Model;
        double seq = s.Training!.SeqLen;
        double sc21 = (double)m.Layers * m.Hidden * m.Hidden * (1 + seq / (6.0 * m.Hidden) + m.Vocab / (16.0 * m.Layers * m.Hidden));
        return conv switch
        {
            FlopConvention.MegatronSc21 => 96 * sc21,
            FlopConvention.MegatronSc21Model => 72 * sc21,
            FlopConvention.ModelFlops => model.Flops.Training,
            FlopConvention.Megatron => MegatronFlops.PerToken(m, s.Training.SeqLen, s.Training.MtpLayers),
            _ => 1,
        };
    }
}
