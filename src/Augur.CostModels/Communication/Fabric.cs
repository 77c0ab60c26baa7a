using Augur.CostModels.Compute;
using Augur.Domain.Hardware;
using Augur.Units;

namespace Augur.CostModels.Communication;

/// <summary>One network tier as a collective sees it: achieved per-GPU bandwidth (one direction) and per-step latency.</summary>
public readonly record struct NetworkTier(double BytesPerSecond, double LatencySeconds);

/// <summary>The two tiers of a cluster with their calibrated efficiencies applied.</summary>
public readonly struct Fabric
{
    public Fabric(Cluster c, HardwareCalibration cal)
    {
        DomainSize = Math.Max(1, c.ScaleUpDomain);
        ScaleUp = new NetworkTier(c.ScaleUpPerGpu.BytesPerSecond * cal.ScaleUp.BusBandwidthEfficiency, cal.ScaleUp.Latency.Value);
        ScaleOut = new NetworkTier(c.ScaleOutPerGpu.BytesPerSecond * cal.ScaleOut.BusBandwidthEfficiency, cal.ScaleOut.Latency.Value);
        InNetworkGain = c.InNetworkReduction ? cal.InNetworkReductionGain : 1.0;
        if (c.ScaleUp.Torus is { } torus)
        {
            TorusAxes = torus.Dims;
            TorusWrapEvery = torus.WrapEvery;
            TorusShape = torus.Shape(Math.Min(c.Gpus, DomainSize));
        }
    }

    public int DomainSize { get; }
    public NetworkTier ScaleUp { get; }
    public NetworkTier ScaleOut { get; }
    /// <summary>All-reduce bus-bandwidth multiplier inside the domain (1 without in-network reduction).</summary>
    public double InNetworkGain { get; }
    /// <summary>Axes of a torus scale-up tier (2 or 3), 0 for a switched one: then collectives inside the domain run as rings along the axes (<see cref="TorusRings"/>).</summary>
    public int TorusAxes { get; }
    /// <summary>The axis length at which a torus axis gets its wraparound link.</summary>
    public int TorusWrapEvery { get; }
    /// <summary>The job's slice, shortest axis first (ranks in Megatron order fill it fastest-axis first).</summary>
    public (int A, int B, int C) TorusShape { get; }

    /// <summary>
    /// How many members of a group of <paramref name="size"/> ranks, spaced <paramref name="stride"/> ranks apart,
    /// share one scale-up domain.
    /// </summary>
    public int MembersPerDomain(int size, int stride)
    {
        if (stride >= DomainSize) return 1;
        return Math.Min(size, Math.Max(1, DomainSize / stride));
    }
}
