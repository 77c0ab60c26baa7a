using Augur.Domain.Models;
using Augur.Domain.Parallelism;
using Augur.Domain.Workloads;

namespace Augur.Search.Training;

/// <summary>
/// Enumerates valid training layouts (tp, pp, vp, cp, ep, dp, zero, micro-batch, recompute) for a model on a GPU
/// count, honouring the keys a scenario fixes. TP stays inside the scale-up domain; SP is on whenever TP &gt; 1.
/// </summary>
public static class TrainingSearchSpace
{
    static readonly int[] VirtualStages = [1, 2, 3, 4, 6, 8];
    static readonly int[] MicroBatches = [1, 2, 4, 8];
    static readonly Recompute[] RecomputeModes = [Recompute.None, Recompute.Selective, Recompute.Full];
    static readonly int[] ZeroStages = [.. Enumerable.Range(0, ParallelLayout.MaxZeroStage + 1)];

    /// <remarks>With several <paramref name="sites"/>, only layouts whose replicas split evenly over them (LayoutValidator.CheckSites).</remarks>
    public static IEnumerable<ParallelLayout> Enumerate(ModelSpec m, int gpus, int scaleUpDomain, TrainingJob job, LayoutSpec fix, int sites = 1)
    {
        // The options that do not depend on the outer degrees, listed once rather than per layout.
        // A fixed vp is searched even outside the default list (Megatron-Bridge's Llama 3 70B recipes run vp 5).
        int[] virtualStages = fix.Vp is { } fixedVp ? [fixedVp] : VirtualStages;
        // An optimizer on the host runs beside Megatron's distributed optimizer only (OptimizerOffloadRule).
        // LoRA's frozen base is not costed under FSDP (its gathers of frozen weights), so its searches stop at ZeRO 2.
        int[] zeroStages = fix.Zero is { } z ? [z] : job.OptimizerOffload > 0 ? [OptimizerOffloadRule.Stage]
            : job.Lora is not null ? [.. ZeroStages.Where(s => s < ParallelLayout.MaxZeroStage)] : ZeroStages;
        // With fused attention there are no stored scores: selective recompute equals none.
        // A MaxText remat policy says what is recomputed: the layout recomputes nothing besides it.
        Recompute[] recomputeModes = fix.Recompute is { } frc ? [frc] : job.Remat is not null ? [Recompute.None]
            : job.AttentionKernel != AttentionKernel.Unfused ? [.. RecomputeModes.Where(rc => rc != Recompute.Selective)] : RecomputeModes;
        foreach (int tp in Divisors(gpus))
        {
            if (fix.Tp is { } ftp ? tp != ftp : tp > Math.Max(1, scaleUpDomain)) continue;
            if (LayoutValidator.CheckShape(m, gpus, tp, 1, 1, 1) is not null) continue;
            bool sp = (fix.Sp ?? tp > 1) && tp > 1;
            foreach (int cp in Divisors(gpus / tp))
            {
                if (fix.Cp is { } fcp ? cp != fcp : cp > 32 || job.SeqLen / cp < 1024 && cp > 1) continue;
                if (job.SeqLen % cp != 0) continue;
                foreach (int pp in Divisors(gpus / (tp * cp)))
                {
                    if (fix.Pp is { } fpp && pp != fpp) continue;
                    if (pp > m.Layers) continue;
                    int dp = gpus / (tp * cp * pp);
                    if (fix.Dp is { } fdp && dp != fdp) continue;
                    if (job.GlobalBatch % dp != 0 || dp % sites != 0) continue;
                    int perReplica = job.GlobalBatch / dp;
                    var experts = ExpertOptions(m, tp, cp, dp, fix);
                    foreach (int mb in MicroBatches)
                    {
                        if (fix.MicroBatch is { } fmb && mb != fmb || perReplica % mb != 0) continue;
                        int micro = perReplica / mb;
                        foreach (int vp in virtualStages)
                        {
                            if (fix.Vp is null && vp > 1 && (pp == 1 || micro % pp != 0)) continue;
                            if (pp * vp > m.Layers) continue;
                            foreach (var (ep, etp) in experts)
                                foreach (int zero in zeroStages)
                                    foreach (var rc in recomputeModes)
                                    {
                                        var layout = new ParallelLayout(Tp: tp, Pp: pp, Vp: vp, Dp: dp, Cp: cp, Ep: ep, Etp: etp, Sp: sp, Zero: zero, MicroBatch: mb, Recompute: rc)
                                        {
                                            RecomputeLayers = rc == Recompute.Full ? fix.RecomputeLayers ?? 0 : 0,
                                        };
                                        // Both expert all-to-all schedules where Megatron-core allows the overlap.
                                        if (fix.OverlapExperts != true) yield return layout;
                                        if (fix.OverlapExperts != false && LayoutValidator.OverlapExpertsError(layout, job.MtpLayers) is null)
                                            yield return layout with { OverlapExperts = true };
                                    }
                        }
                    }
                }
            }
        }
    }

    /// <summary>The (ep, etp) pairs a stage of tp × cp × dp ranks can split its experts into (one pair for a dense model).</summary>
    static (int Ep, int Etp)[] ExpertOptions(ModelSpec m, int tp, int cp, int dp, LayoutSpec fix)
    {
        if (m.Moe is not { } moe) return Dense;
        var options = new List<(int, int)>();
        int ranks = tp * cp * dp;
        foreach (int ep in Divisors(moe.Experts))
        {
            if (fix.Ep is { } fep && ep != fep) continue;
            foreach (int etp in tp > 1 ? new[] { 1, tp } : [1])
            {
                if (fix.Etp is { } fetp && etp != fetp) continue;
                if (ranks % (ep * etp) == 0) options.Add((ep, etp));
            }
        }
        return [.. options];
    }

    static readonly (int Ep, int Etp)[] Dense = [(1, 1)];

    /// <summary>The divisors of <paramref name="n"/> in ascending order, found in √n steps.</summary>
    static List<int> Divisors(int n)
    {
        var small = new List<int>();
        var large = new List<int>();
        for (int d = 1; (long)d * d <= n; d++)
        {
            if (n % d != 0) continue;
            small.Add(d);
            if (d != n / d) large.Add(n / d);
        }
        for (int i = large.Count - 1; i >= 0; i--) small.Add(large[i]);
        return small;
    }
}
