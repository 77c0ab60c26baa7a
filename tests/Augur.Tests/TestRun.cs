using Augur.Domain.Workloads;

namespace Augur.Tests;

static class TestRun
{
    /// <summary>A run at <paramref name="usdPerGpuHour"/> with the defaults a scenario gets for the rest.</summary>
    public static RunEconomics At(double usdPerGpuHour) => new()
    {
        UsdPerGpuHour = usdPerGpuHour, GpuMtbfHours = RunEconomics.DefaultGpuMtbfHours,
        CheckpointWriteSeconds = RunEconomics.DefaultCheckpointWriteSeconds, RestartSeconds = RunEconomics.DefaultRestartSeconds,
        PowerUtilization = RunEconomics.DefaultPowerUtilization, Pue = RunEconomics.DefaultPue,
    };
}
