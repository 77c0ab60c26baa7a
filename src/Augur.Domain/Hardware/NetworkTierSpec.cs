using Augur.Units;

namespace Augur.Domain.Hardware;

/// <summary>Where a network tier sits: inside a scale-up island, between islands of one site, or between sites.</summary>
public enum TierKind { ScaleUp, ScaleOut, ScaleAcross }

/// <summary>
/// One tier of a system's network, innermost first. <see cref="Domain"/> is how many GPUs it joins (an NVLink island
/// for scale-up, a whole site for scale-out, every site for scale-across); <see cref="PerGpu"/> is each GPU's share of
/// its bandwidth in ONE direction. <see cref="Latency"/> is null where the hardware family's calibration supplies it
/// (scale-up and scale-out fabrics); a wide-area tier states its own. <see cref="Torus"/> is set for a scale-up tier wired
/// as a torus (TPU ICI), whose collectives run as rings along its axes; null for a switched or fully connected tier.
/// </summary>
public sealed record NetworkTierSpec(TierKind Kind, string Name, int Domain, Bandwidth PerGpu, Seconds? Latency = null, bool InNetworkReduction = false, TorusSpec? Torus = null);

/// <summary>The tiers of a system, innermost first, with one of each kind at most.</summary>
public static class NetworkTiers
{
    /// <summary>Checks the order and nesting of <paramref name="tiers"/>: each tier joins at least as many GPUs as the one inside it.</summary>
    public static IReadOnlyList<NetworkTierSpec> Checked(IReadOnlyList<NetworkTierSpec> tiers)
    {
        if (tiers.Count == 0 || tiers[0].Kind != TierKind.ScaleUp)
            throw new InputException("a system's network starts with its scale-up tier");
        for (int i = 1; i < tiers.Count; i++)
        {
            if (tiers[i].Kind <= tiers[i - 1].Kind)
                throw new InputException($"network tiers must run scale-up, scale-out, scale-across, once each; got {string.Join(", ", tiers.Select(t => t.Kind))}");
            if (tiers[i].Domain < tiers[i - 1].Domain)
                throw new InputException($"the {tiers[i].Kind} tier joins {tiers[i].Domain} GPUs, fewer than the {tiers[i - 1].Domain} of the {tiers[i - 1].Kind} tier inside it");
        }
        return tiers;
    }

    public static NetworkTierSpec Of(this IReadOnlyList<NetworkTierSpec> tiers, TierKind kind) =>
        tiers.FirstOrDefault(t => t.Kind == kind) ?? throw new InputException($"the system has no {kind} tier");

    /// <summary>The list with the tier of <paramref name="t"/>'s kind replaced (or added in its place).</summary>
    public static IReadOnlyList<NetworkTierSpec> With(this IReadOnlyList<NetworkTierSpec> tiers, NetworkTierSpec t) =>
        Checked([.. tiers.Where(x => x.Kind != t.Kind).Append(t).OrderBy(x => x.Kind)]);
}
