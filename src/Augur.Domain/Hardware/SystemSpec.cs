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
    /// <summary>GPUs in one rack, where the catalog gives a sourced figure; null where it does not (racks vary by deployment).</summary>
    public int? RackGpus { get; init; }
    /// <summary>shipping, announced (a vendor's pre-release rack), or template (a specification's limits, such as a UALink pod, not a product).</summary>
    public string Status { get; init; } = "shipping";

    public NetworkTierSpec ScaleUp => Tiers.Of(TierKind.ScaleUp);
    public NetworkTierSpec ScaleOut => Tiers.Of(TierKind.ScaleOut);
}

/// <summary>
/// The hardware a job runs on: GPU count and the network tiers they sit in. With a scale-across tier the GPUs
/// are split evenly over <see cref="Sites"/> sites: the scale-out tier joins the GPUs of one site and the wide-area
/// tier joins the sites (its per-GPU bandwidth is the site's WAN bandwidth over the site's GPUs).
/// </summary>
public sealed record Cluster
{
    public required Accelerator Accelerator { get; init; }
    public required int Gpus { get; init; }
    public required IReadOnlyList<NetworkTierSpec> Tiers { get; init; }
    public string SystemName { get; init; } = "";
    /// <summary>GPUs in one rack of the system, when the catalog gives it (only pictures use it).</summary>
    public int? RackGpus { get; init; }

    public NetworkTierSpec ScaleUp => Tiers.Of(TierKind.ScaleUp);
    public NetworkTierSpec ScaleOut => Tiers.Of(TierKind.ScaleOut);
    public int ScaleUpDomain => ScaleUp.Domain;
    public Bandwidth ScaleUpPerGpu => ScaleUp.PerGpu;
    public Bandwidth ScaleOutPerGpu => ScaleOut.PerGpu;
    public bool InNetworkReduction => ScaleUp.InNetworkReduction;
    /// <summary>The wide-area tier between sites, or null when every GPU sits in one site.</summary>
    public NetworkTierSpec? ScaleAcross => Tiers.FirstOrDefault(t => t.Kind == TierKind.ScaleAcross);
    /// <summary>Sites the GPUs are split over (1 without a scale-across tier).</summary>
    public int Sites => ScaleAcross is null ? 1 : Gpus / ScaleOut.Domain;
    public int GpusPerSite => Gpus / Sites;

    public static Cluster From(SystemSpec system, Accelerator accelerator, int gpus) => new()
    {
        Accelerator = accelerator,
        Gpus = gpus,
        // Without a scale-across tier every GPU of the job sits in one site.
        Tiers = system.Tiers.Select(t => t.Kind == TierKind.ScaleOut ? t with { Domain = Math.Max(system.ScaleUp.Domain, gpus) } : t).ToList(),
        SystemName = system.Name,
        RackGpus = system.RackGpus,
    };

    /// <summary>A cluster of <paramref name="gpus"/> GPUs in scale-up islands of <paramref name="domain"/> joined by one scale-out network.</summary>
    public static IReadOnlyList<NetworkTierSpec> TwoTiers(int domain, Bandwidth scaleUp, Bandwidth scaleOut, int gpus, bool inNetworkReduction = false) =>
        NetworkTiers.Checked([
            new NetworkTierSpec(TierKind.ScaleUp, "scale-up", domain, scaleUp, InNetworkReduction: inNetworkReduction),
            new NetworkTierSpec(TierKind.ScaleOut, "scale-out", Math.Max(domain, gpus), scaleOut),
        ]);
}
