using Augur.Domain.Models;
using Augur.Domain.Workloads;

namespace Augur.Domain.Parallelism;

/// <summary>Checks that a layout can run a model on a GPU count; returns one actionable message or null.</summary>
public static class LayoutValidator
{
    /// <summary>
    /// The most virtual stages a pipeline of <paramref name="pp"/> ranks can interleave: one layer per stage, where Megatron can
    /// count the embedding and the loss as pipeline slots too (account_for_embedding/loss_in_pipeline_split), so a 126-layer
    /// model fills pp 16 × vp 8 = 128 virtual stages.
    /// </summary>
    public static int MaxVirtualStages(ModelSpec m, int pp) => (m.Layers + 2) / pp;

    /// <summary>The structural checks shared by training and inference.</summary>
    public static string? CheckShape(ModelSpec m, int gpus, int tp, int pp, int ep, int etp, int vp = 1)
    {
        if (tp < 1 || pp < 1 || ep < 1 || etp < 1 || vp < 1)
            return "parallel degrees must be positive integers (tp, pp, vp, dp, cp, ep >= 1)";
        if (m.Heads % tp != 0)
            return $"tp={tp} does not divide the {m.Heads} attention heads of {m.Name}; pick a tp that divides {m.Heads}";
        if (m.Mla is null && m.KvHeads % tp != 0 && tp % m.KvHeads != 0)
            return $"tp={tp} neither divides nor is a multiple of the {m.KvHeads} KV heads of {m.Name}";
        if (pp > m.Layers)
            return $"pp={pp} exceeds the {m.Layers} layers of {m.Name}; use pp <= {m.Layers}";
        if (vp > MaxVirtualStages(m, pp))
            return $"pp×vp = {pp * vp} exceeds the {m.Layers} layers of {m.Name} (plus the embedding and loss slots); lower vp";
        if (vp > 1 && pp == 1)
            return "vp > 1 (interleaved stages) needs pp > 1";
        if (m.Moe is { } moe)
        {
            if (moe.Experts % ep != 0)
                return $"ep={ep} does not divide the {moe.Experts} experts of {m.Name}; pick an ep that divides {moe.Experts}";
        }
        else if (ep > 1)
            return $"ep={ep} but {m.Name} is a dense model; set ep: 1";
        return null;
    }

    /// <summary>
    /// Each of <paramref name="sites"/> sites holds whole replicas (every pipeline stage, every expert), so the data-parallel
    /// degree and each expert shard's replicas split evenly over the sites.
    /// </summary>
    public static string? CheckSites(ParallelLayout l, int sites)
    {
        if (sites <= 1) return null;
        if (l.Dp % sites != 0)
            return $"dp={l.Dp} does not split over the {sites} sites; each site holds whole replicas, so dp must be a multiple of {sites}";
        if (l.ExpertDp % sites != 0)
            return $"ep×etp = {l.Ep * l.Etp} leaves {l.ExpertDp} replicas of each expert shard, which do not split over the {sites} sites; lower ep so every site holds all experts";
        return null;
    }

    /// <summary>
    /// Why the expert all-to-all cannot overlap in <paramref name="l"/>, or null when it can: Megatron-core's
    /// TransformerConfig asserts expert parallelism, an interleaved schedule when pipelined ("virtual_pipeline_model_parallel_size
    /// must be specified when pipeline_model_parallel_size > 1"), no full recomputation, no recomputed MoE module and at
    /// most one multi-token-prediction layer. The job's bar comes first: no layout lifts it, so it is the reason a
    /// plan with ep_overlap fixed finds nothing.
    /// </summary>
    public static string? OverlapExpertsError(in ParallelLayout l, int mtpLayers = 0) =>
        mtpLayers > 1 ? $"ep_overlap runs with at most one multi-token-prediction layer; training.mtp_layers is {mtpLayers}"
        : l.Ep == 1 ? "ep_overlap needs expert parallelism (ep > 1): there is no expert all-to-all to overlap"
        : l.Pp > 1 && l.Vp == 1 ? $"ep_overlap with pp={l.Pp} needs an interleaved schedule (vp > 1), as Megatron-core requires"
        : l.Recompute == Recompute.Full ? "ep_overlap does not run with full recomputation; use selective or module recompute"
        : (l.Recompute & Recompute.Moe) != 0 ? "ep_overlap does not run with the moe module recomputed; drop moe from recompute"
        : null;

    /// <summary>
    /// Why <paramref name="l"/>'s context parallelism cannot run as an all-to-all over heads, or null when it can: each tensor-
    /// parallel rank's attention heads and KV heads (one when tp exceeds them) split over cp (Transformer Engine asserts both).
    /// </summary>
    public static string? AllToAllContextError(ModelSpec m, in ParallelLayout l)
    {
        if (l.Cp <= 1) return null;
        int heads = m.Heads / l.Tp, kv = m.Mla is not null ? heads : m.KvHeadsPerRank(l.Tp);
        return heads % l.Cp != 0 || kv % l.Cp != 0
            ? $"cp_comm a2a splits each tp rank's {heads} heads and {kv} KV heads over cp={l.Cp}, which does not divide them; lower cp or tp, or use cp_comm: p2p"
            : null;
    }

    /// <summary>Full check of a training layout against the model, the GPU count and the batch.</summary>
    public static string? Check(ModelSpec m, int gpus, ParallelLayout l, int seqLen, int globalBatch, int mtpLayers = 0,
        ContextParallelComm cpComm = ContextParallelComm.P2P)
    {
        if (l.Dp < 1 || l.Cp < 1 || l.MicroBatch < 1)
            return "parallel degrees and micro-batch must be positive integers";
        // What the model cannot recompute is said before any degree: a plan's probe fills the degrees it leaves open.
        if ((l.Recompute & Recompute.MlaUpProj) != 0 && m.Mla is null)
            return "recompute module mla_up_proj needs a model with multi-head latent attention; drop it for this model";
        if ((l.Recompute & (Recompute.Moe | Recompute.MoeAct | Recompute.SharedExperts)) != 0 && m.Moe is null)
            return $"recompute modules moe, moe_act and shared_experts need a mixture-of-experts model; {m.Name} is dense";
        if ((l.Recompute & Recompute.SharedExperts) != 0 && m.Moe is { SharedExperts: 0 })
            return $"recompute module shared_experts: {m.Name} has no shared experts; drop it";
        if (CheckShape(m, gpus, l.Tp, l.Pp, l.Ep, l.Etp, l.Vp) is { } shape) return shape;
        if (l.Gpus != gpus)
            return $"tp×pp×dp×cp = {l.Tp}×{l.Pp}×{l.Dp}×{l.Cp} = {l.Gpus}, but the cluster has {gpus} GPUs; make the degrees multiply to {gpus}";
        if (ParallelLayout.ZeroStageError(l.Zero) is { } zero) return zero;
        if (seqLen % l.Cp != 0)
            return $"cp={l.Cp} does not divide seq_len {seqLen}";
        if (m.Moe is not null && l.Tp * l.Cp * l.Dp % (l.Ep * l.Etp) != 0)
            return $"ep×etp = {l.Ep * l.Etp} must divide tp×cp×dp = {l.Tp * l.Cp * l.Dp} (experts are spread over the stage's data-parallel ranks)";
        if (globalBatch % (l.Dp * l.MicroBatch) != 0)
            return $"global batch {globalBatch} is not a multiple of dp×micro-batch = {l.Dp * l.MicroBatch}";
        if (l.OverlapExperts && OverlapExpertsError(l, mtpLayers) is { } overlap) return overlap;
        if (cpComm == ContextParallelComm.AllToAll && AllToAllContextError(m, l) is { } a2a) return a2a;
        if (l.Vp > 1 && globalBatch / (l.Dp * l.MicroBatch) % l.Pp != 0)
            return $"interleaved schedule needs the {globalBatch / (l.Dp * l.MicroBatch)} micro-batches per replica to be a multiple of pp={l.Pp}";
        return null;
    }
}
