using Augur.CostModels.Rl;
using Augur.Domain;
using Augur.Domain.Hardware;
using Augur.Domain.Parallelism;
using Augur.Domain.Workloads;

namespace Augur.CostModels.Validation;

/// <summary>
/// Runs RL validation cases on their published layouts with the closed-form RL step (<see cref="RlStep.Compose"/>, what
/// <c>augur estimate</c> reports). A published step time is compared as tokens/s per GPU over the job's GPUs, the tokens
/// being the step's trained tokens (samples × (mean prompt + mean response)), as NeMo-RL counts its end-to-end
/// throughput; a throughput error of e is a step-time ratio of 1/(1 + e).
/// </summary>
public static class RlValidator
{
    public static ValidationResult Run(ValidationCase c, HardwareCalibration cal)
    {
        var s = c.Scenario;
        var job = s.Rl ?? throw new InputException($"{c.Id}: not an rl case");
        if (c.Metric != "step_seconds")
            throw new InputException($"{c.Id}: unknown rl metric '{c.Metric}'; use step_seconds");
        var (gen, train, problem) = RlSetup.Build(s.Model, s.Cluster, s.Precision, job, cal);
        if (problem is not null) throw new LayoutException($"{c.Id}: {problem}");
        var est = RlStep.Compose(job, s.Cluster, cal, s.Run, gen!, train!);
        double step = est.StepTime.Value;
        double tokensPerGpuStep = est.TrainedTokensPerSecond * step / est.Gpus;
        return new ValidationResult(c, tokensPerGpuStep / step, tokensPerGpuStep / c.Measured, step)
        {
            Rl = est, RlPhases = RlPhaseCheck.Of(c.MeasuredPhases, est.Phases),
        };
    }
}
