using Augur.Domain.Hardware;
using Augur.Domain.Workloads;
using Augur.Units;

namespace Augur.CostModels.Run;

/// <summary>
/// What GPU time costs in money and energy: one formula for a training run and for serving's per-token figures.
/// Energy is measured at the facility meter: rated power × the average draw as a fraction of it × PUE (PUE is
/// facility energy over IT equipment energy by definition; The Green Grid, "PUE: A Comprehensive Examination of the
/// Metric", 2012), so a training run's kWh and a served token's joules count the same things.
/// </summary>
public readonly record struct GpuEconomics(DollarsPerGpuHour Price, Watts RatedPower, double PowerUtilization, double Pue)
{
    public static GpuEconomics Of(RunEconomics run, Accelerator a) =>
        new(new DollarsPerGpuHour(run.UsdPerGpuHour), a.Power, run.PowerUtilization, run.Pue);

    /// <summary>Facility energy of <paramref name="gpus"/> GPUs busy for <paramref name="time"/>.</summary>
    public Joules Energy(double gpus, Seconds time) => new(RatedPower.Value * PowerUtilization * Pue * gpus * time.Value);

    public Dollars Cost(double gpus, Seconds time) => Price.For(gpus, time);

    /// <summary>Dollars for a million tokens produced at <paramref name="perGpu"/> on each GPU.</summary>
    public Dollars CostPerMillionTokens(TokenRate perGpu) => Cost(1, new Seconds(UnitConstants.Mega / perGpu.PerSecond));

    /// <summary>Facility joules for one token produced at <paramref name="perGpu"/> on each GPU.</summary>
    public Joules EnergyPerToken(TokenRate perGpu) => Energy(1, new Seconds(1 / perGpu.PerSecond));
}
