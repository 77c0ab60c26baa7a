using Augur.Domain.Hardware;
using Augur.Domain.Workloads;
using Augur.Units;

namespace Augur.CostModels.Run;

/// <summary>A whole training run: time, GPU-hours, money, energy and the goodput lost to failures.</summary>
public sealed record RunEstimate(
    double Steps,
    Seconds IdealTime,
    Seconds WallTime,
    double GpuHours,
    Dollars Cost,
    Joules Energy,
    Seconds JobMtbf,
    double ExpectedInterruptions,
    Seconds CheckpointInterval,
    double Goodput);

/// <summary>What a run projection starts from: one step of a layout on the cluster, the job's budget and the run's prices.</summary>
public readonly record struct RunInputs
{
    public required Seconds StepTime { get; init; }
    /// <summary>Model FLOPs of one step (for a FLOP budget).</summary>
    public required Flops ModelFlopsPerStep { get; init; }
    public required int Gpus { get; init; }
    public required Accelerator Accelerator { get; init; }
    public required TrainingJob Job { get; init; }
    public required RunEconomics Run { get; init; }
}

/// <summary>
/// Projects a step time onto a token or FLOP budget. Failures: job MTBF M = GPU MTBF / GPUs; checkpoint every
/// τ = √(2δM) (Young 1974; Daly 2006 adds higher-order terms that matter only when δ approaches M, and his
/// correction τ = √(2δM)·(1 + √(δ/2M)/3 + δ/(18M)) − δ is used here); the fraction of time lost is
/// δ/τ + (τ/2 + R)/M (docs/FORMULAS.md §7), goodput = 1 − lost.
/// </summary>
public static class RunProjection
{
    public static RunEstimate Project(in RunInputs x)
    {
        var job = x.Job;
        var run = x.Run;
        double steps = job.TokenBudget is { } tokens ? tokens / job.TokensPerStep
            : job.FlopBudget is { } flops ? flops / x.ModelFlopsPerStep.Value : 0;
        double ideal = steps * x.StepTime.Value;
        double mtbf = run.GpuMtbfHours * UnitConstants.SecondsPerHour / x.Gpus;
        double delta = run.CheckpointWriteSeconds;
        double tau = DalyInterval(delta, mtbf);
        double lost = delta > 0 ? delta / tau + (tau / 2 + run.RestartSeconds) / mtbf : (run.RestartSeconds) / mtbf;
        lost = Math.Clamp(lost, 0, 0.99);
        double goodput = 1 - lost;
        var wall = new Seconds(ideal / goodput);
        double gpuHours = wall.Hours * x.Gpus;
        var economics = GpuEconomics.Of(run, x.Accelerator);
        return new RunEstimate(steps, new Seconds(ideal), wall, gpuHours, economics.Cost(x.Gpus, wall), economics.Energy(x.Gpus, wall),
            new Seconds(mtbf), wall.Value / mtbf, new Seconds(tau), goodput);
    }

    /// <summary>Daly's (2006) optimum checkpoint interval; falls back to M when δ ≥ 2M.</summary>
    public static double DalyInterval(double delta, double mtbf)
    {
        if (delta <= 0) return mtbf;
        if (delta >= 2 * mtbf) return mtbf;
        double x = delta / (2 * mtbf);
        return Math.Sqrt(2 * delta * mtbf) * (1 + Math.Sqrt(x) / 3 + x / 9) - delta;
    }

    /// <summary>Young's (1974) first-order optimum √(2δM).</summary>
    public static double YoungInterval(double delta, double mtbf) => Math.Sqrt(2 * delta * mtbf);

    /// <summary>Time to execute <paramref name="flops"/> at a rate: the back-of-envelope "how many years" figure.</summary>
    public static Seconds TimeAt(Flops flops, FlopRate rate, double utilization) => flops / (rate * utilization);
}
