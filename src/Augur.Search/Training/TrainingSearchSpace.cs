using Augur.Domain.Models;
using Augur.Domain.Parallelism;
using Augur.Domain.Workloads;

namespace Augur.Search.Training;

/// <summary>
/// Enumerates valid training layouts (tp, pp, vp, cp, ep, dp, zero, micro-batch, recompute) for a model on a GPU
/// count, honouring the keys a scenario fixes. TP stays inside the scale-up domain; SP is on whenever TP &gt; 1.
/// A layout's recompute options come none first, then full, then the modules (each over the ZeRO stages), so a planner can
/// skip what cannot win: everything once none fits, the modules once full does not (<see cref="TrainingPlanner"/>).
/// </summary>
public static class TrainingSearchSpace
{
    /// <summary>The largest micro-batch searched: MaxText runs 32 sequences per TPU chip in the corpus (Qwen3-235B on TPU7x).</summary>
    const int MaxMicroBatch = 32;
    static readonly int[] ZeroStages = [.. Enumerable.Range(0, ParallelLayout.MaxZeroStage + 1)];

    /// <remarks>With several <paramref name="sites"/>, only layouts whose replicas split evenly over them (LayoutValidator.CheckSites).</remarks>
    public static IEnumerable<ParallelLayout> Enumerate(ModelSpec m, int gpus, int scaleUpDomain, TrainingJob job, LayoutSpec fix, int sites = 1)
    {
        // The options that do not depend on the outer degrees, listed once rather than per layout.
        // An optimizer on the host runs beside Megatron's distributed optimizer only (OptimizerOffloadRule).
        // LoRA's frozen base is not costed under FSDP (its gathers of frozen weights), so its searches stop at ZeRO 2.
        int[] zeroStages = fix.Zero is { } z ? [z] : job.OptimizerOffload > 0 ? [OptimizerOffloadRule.Stage]
            : job.Lora is not null ? [.. ZeroStages.Where(s => s < ParallelLayout.MaxZeroStage)] : ZeroStages;
        // With fused attention there are no stored scores: selective recompute equals none.
        // A MaxText remat policy says what is recomputed: the layout recomputes nothing besides it.
        Recompute[] recomputeModes = fix.Recompute is { } frc ? [frc] : job.Remat is not null ? [Recompute.None] : RecomputeOptions(m, job);
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
                    // Every micro-batch that divides a replica's share of the batch, and the vp that split a pipeline rank's
                    // layers into equal chunks besides the usual 1-8: Megatron-Bridge runs Llama 3 70B at vp 5 and Qwen3 at
                    // vp 12, LLM Foundry micro-batches of 3, 5 and 6.
                    int perRank = (m.Layers + pp - 1) / pp, mostVp = fix.Vp ?? (pp == 1 ? 1 : LayoutValidator.MaxVirtualStages(m, pp));
                    for (int mb = fix.MicroBatch ?? 1; mb <= (fix.MicroBatch ?? Math.Min(MaxMicroBatch, perReplica)); mb++)
                    {
                        if (perReplica % mb != 0) continue;
                        int micro = perReplica / mb;
                        for (int vp = fix.Vp ?? 1; vp <= mostVp; vp++)
                        {
                            if (fix.Vp is null && !UsualVirtualStages.Contains(vp) && perRank % vp != 0) continue;
                            if (fix.Vp is null && vp > 1 && (pp == 1 || micro % pp != 0)) continue;
                            // Recomputation outside ZeRO: layouts that differ only in their ZeRO stage follow one another and share
                            // their stage memory (MemoryReuse).
                            foreach (var (ep, etp) in experts)
                                foreach (var rc in recomputeModes)
                                    foreach (int zero in zeroStages)
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

    /// <summary>The vp searched besides the divisors of a pipeline rank's layers (rounded up).</summary>
    static readonly int[] UsualVirtualStages = [1, 2, 3, 4, 6, 8];

    /// <summary>
    /// Recompute options: none, full (and selective, core_attn, for unfused attention: fused attention stores no scores); for
    /// MoE and MLA models also Megatron-core's recompute modules they have, alone and in pairs (the moe block's own moe_act not
    /// paired with it), as Megatron-Bridge's MoE recipes recompute layernorm, moe_act, mla_up_proj or mlp to fit; its dense
    /// recipes recompute everything or nothing.
    /// </summary>
    static Recompute[] RecomputeOptions(ModelSpec m, TrainingJob job)
    {
        bool unfused = job.AttentionKernel == AttentionKernel.Unfused;
        if (m.Moe is null && m.Mla is null) return unfused ? [Recompute.None, Recompute.Full, Recompute.Selective] : [Recompute.None, Recompute.Full];
        var modules = new List<Recompute> { Recompute.LayerNorm };
        if (unfused) modules.Add(Recompute.Selective);
        if (m.Mla is not null) modules.Add(Recompute.MlaUpProj);
        if (m.DenseLayers > 0) modules.Add(Recompute.Mlp);
        if (m.Moe is { } moe)
        {
            modules.Add(Recompute.MoeAct);
            modules.Add(Recompute.Moe);
            if (moe.SharedExperts > 0) modules.Add(Recompute.SharedExperts);
        }
        var options = new List<Recompute> { Recompute.None, Recompute.Full };
        options.AddRange(modules);
        for (int i = 0; i < modules.Count; i++)
            for (int j = i + 1; j < modules.Count; j++)
                if ((modules[i] | modules[j]) != (Recompute.MoeAct | Recompute.Moe)) options.Add(modules[i] | modules[j]);
        return [.. options];
    }

    /// <summary>
    /// Whether a search that fixes nothing enumerates <paramref name="published"/>: a published run's layout that the planner
    /// could find by itself. Two settings are read as the search's own rules make them: sequence parallelism (on wherever
    /// TP is) and selective recomputation under fused attention (which stores no scores, so it is no recomputation).
    /// </summary>
    public static bool Holds(ModelSpec m, int gpus, int scaleUpDomain, TrainingJob job, ParallelLayout published, int sites = 1)
    {
        var want = AsSearched(published, job);
        foreach (var layout in Enumerate(m, gpus, scaleUpDomain, job, Free, sites))
            if (AsSearched(layout, job) == want) return true;
        return false;
    }

    static readonly LayoutSpec Free = new();

    static ParallelLayout AsSearched(ParallelLayout l, TrainingJob job) => l with
    {
        Sp = l.Tp > 1,
        Recompute = l.Recompute != Recompute.Full && job.AttentionKernel != AttentionKernel.Unfused ? l.Recompute & ~Recompute.Selective : l.Recompute,
    };

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
