using Augur.Units;

namespace Augur.Domain.Hardware;

/// <summary>
/// A buildable system: its accelerator and its network tiers, innermost first (the scale-up island such as
/// NVLink, ICI or NeuronLink; the scale-out network; optionally a wide-area tier between sites).
/// Bandwidths are per GPU, ONE direction.
/// </summary>
public sealed record SystemSpec
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required string AcceleratorId { get; init; }
    public required IReadOnlyList<NetworkTierSpec> Tiers { get; init; }
    public required IReadOnlyList<string> Sources { get; init; }
    public string Notes { get; init; } = "";

    public NetworkTierSpec ScaleUp => Tiers.Of(TierKind.ScaleUp);
    public NetworkTierSpec ScaleOut => Tiers.Of(TierKind.ScaleOut);
}

/// <summary>
/// The hardware a job runs on: GPU count and the network tiers they sit in. The scale-up and scale-out accessors
/// are what today's cost models read; a scale-across tier is the seam for training over several sites.
/// </summary>
public sealed record Cluster
{
    public required Accelerator Accelerator { get; init; }
    public required int Gpus { get; init; }
    public required IReadOnlyList<NetworkTierSpec> Tiers { get; init; }
    public string SystemName { get; init; } = "";

    public NetworkTierSpec ScaleUp => Tiers.Of(TierKind.ScaleUp);
    public NetworkTierSpec ScaleOut => Tiers.Of(TierKind.ScaleOut);
    public int ScaleUpDomain => ScaleUp.Domain;
    public Bandwidth ScaleUpPerGpu => ScaleUp.PerGpu;
    public Bandwidth ScaleOutPerGpu => ScaleOut.PerGpu;
    public bool InNetworkReduction => ScaleUp.InNetworkReduction;

    public static Cluster From(SystemSpec system, Accelerator accelerator, int gpus) => new()
    {
        Accelerator = accelerator,
        Gpus = gpus,
        // Without a scale-across tier every GPU of the job sits in one site.
        Tiers = system.Tiers.Select(t => t.Kind == TierKind.ScaleOut ? t with { Domain = Math.Max(system.ScaleUp.Domain, gpus) } : t).ToList(),
        SystemName = system.Name,
    };

    /// <summary>A cluster of <paramref name="gpus"/> GPUs in scale-up islands of <paramref name="domain"/> joined by one scale-out network.</summary>
    public static IReadOnlyList<NetworkTierSpec> TwoTiers(int domain, Bandwidth scaleUp, Bandwidth scaleOut, int gpus, bool inNetworkReduction = false) =>
        NetworkTiers.Checked([
            new NetworkTierSpec(TierKind.ScaleUp, "scale-up", domain, scaleUp, InNetworkReduction: inNetworkReduction),
            new NetworkTierSpec(TierKind.ScaleOut, "scale-out", Math.Max(domain, gpus), scaleOut),
        ]);
}
