using Augur.CostModels.Inference;
using Augur.Domain.Models;
using Augur.Domain.Workloads;

namespace Augur.Search.Inference;

/// <summary>
/// Enumerates valid serving layouts for a model on a GPU count, honouring the keys a scenario fixes:
/// tp in powers of two up to <paramref name="maxTp"/>; pp in powers of two leaving at least two layers per stage;
/// for MoE models dp_attention in powers of two (plus the value that fills the cluster) and every ep that divides
/// both tp·dp_attention and the expert count; as many replicas as the cluster holds (a fixed <c>dp</c> key sets
/// the replica count).
/// </summary>
public static class InferenceSearchSpace
{
    public static IEnumerable<InferenceLayout> Enumerate(ModelSpec m, int gpus, int maxTp, LayoutSpec fix)
    {
        foreach (int tp in Options(fix.Tp, Math.Min(gpus, maxTp)))
            foreach (int pp in Options(fix.Pp, Math.Min(gpus / tp, Math.Max(1, m.Layers / 2))))
                foreach (int dpa in AttentionGroups(m, fix.DpAttention, gpus / (tp * pp)))
                {
                    int stage = tp * dpa;
                    if (tp * pp * dpa > gpus) continue;
                    int replicas = fix.Dp ?? gpus / (tp * pp * dpa);
                    foreach (int ep in ExpertRanks(m, fix.Ep, stage))
                    {
                        var l = new InferenceLayout(tp, pp, ep, dpa, replicas);
                        if (l.Validate(m, gpus) is null) yield return l;
                    }
                }
    }

    /// <summary>The fixed value alone, else powers of two up to <paramref name="max"/>.</summary>
    static IEnumerable<int> Options(int? fixedValue, int max)
    {
        if (fixedValue is { } f) { yield return f; yield break; }
        for (int v = 1; v <= max; v *= 2) yield return v;
    }

    static IEnumerable<int> AttentionGroups(ModelSpec m, int? fixedValue, int max)
    {
        if (fixedValue is { } f) { yield return f; yield break; }
        if (m.Moe is null || max < 1) { yield return 1; yield break; }
        int v = 1;
        for (; v <= max; v *= 2) yield return v;
        if (v / 2 != max) yield return max; // fill a cluster that is not a power of two (72 GPUs of an NVL72)
    }

    static IEnumerable<int> ExpertRanks(ModelSpec m, int? fixedValue, int stageGpus)
    {
        if (fixedValue is { } f) { yield return f; yield break; }
        if (m.Moe is not { } moe) { yield return 1; yield break; }
        // ep divides the experts, so no ep above their count need be tried (a stage may hold a million GPUs).
        for (int ep = 1; ep <= Math.Min(stageGpus, moe.Experts); ep++)
            if (stageGpus % ep == 0 && moe.Experts % ep == 0) yield return ep;
    }
}
