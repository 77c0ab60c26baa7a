using Augur.Domain.Models;
using Augur.Domain.Workloads;

namespace Augur.Domain.Hardware;

/// <summary>The kinds of attention a chip may be built for: full (MHA/GQA/MQA), sliding-window, or latent (MLA).</summary>
public enum AttentionKind { Full, SlidingWindow, Latent }

/// <summary>
/// What an accelerator can run. A GPU runs everything; a Transformer ASIC (the operators printed into silicon) runs
/// only its workloads, attention kinds and expert counts, and a model outside them is refused with the reason.
/// Precisions are in <see cref="Accelerator.DensePeak"/> (zero where unsupported).
/// </summary>
public sealed record AcceleratorCapabilities
{
    public static readonly AcceleratorCapabilities Any = new();

    public bool Training { get; init; } = true;
    public bool Inference { get; init; } = true;
    /// <summary>Attention kinds built in; null means any.</summary>
    public IReadOnlySet<AttentionKind>? Attention { get; init; }
    public bool MixtureOfExperts { get; init; } = true;
    /// <summary>Most routed experts per layer the chip's routing supports; null means no limit.</summary>
    public int? MaxExperts { get; init; }

    /// <summary>The attention kinds <paramref name="m"/> uses.</summary>
    public static IReadOnlySet<AttentionKind> Uses(ModelSpec m)
    {
        var kinds = new HashSet<AttentionKind>();
        if (m.Mla is not null) kinds.Add(AttentionKind.Latent);
        else
        {
            if (m.SlidingWindow > 0 && m.SlidingLayerFraction > 0) kinds.Add(AttentionKind.SlidingWindow);
            if (m.SlidingWindow == 0 || m.SlidingLayerFraction < 1) kinds.Add(AttentionKind.Full);
        }
        return kinds;
    }

    /// <returns>Why <paramref name="a"/> cannot run <paramref name="m"/> for <paramref name="w"/>, or null when it can.</returns>
    public static string? WhyNot(Accelerator a, ModelSpec m, WorkloadKind w)
    {
        var c = a.Capabilities;
        if (w == WorkloadKind.Training && !c.Training) return $"{a.Id} runs inference only";
        if (w == WorkloadKind.Inference && !c.Inference) return $"{a.Id} runs training only";
        if (c.Attention is { } built && Uses(m).Except(built).ToList() is { Count: > 0 } missing)
            return $"{m.Name} uses {Names(missing)} attention, and {a.Id} has only {Names(built)} attention in silicon";
        if (m.Moe is { } moe)
        {
            if (!c.MixtureOfExperts) return $"{m.Name} routes tokens to {moe.Experts} experts, and {a.Id} has no expert routing";
            if (c.MaxExperts is { } max && moe.Experts > max) return $"{m.Name} has {moe.Experts} routed experts per layer, more than the {max} {a.Id} supports";
        }
        return null;
    }

    static string Names(IEnumerable<AttentionKind> kinds) => string.Join(" and ", kinds.Order().Select(k => k switch
    {
        AttentionKind.Full => "full (MHA/GQA)",
        AttentionKind.SlidingWindow => "sliding-window",
        _ => "latent (MLA)",
    }));
}
