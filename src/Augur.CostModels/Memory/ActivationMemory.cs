using Augur.Domain.Models;
using Augur.Domain.Parallelism;
using Augur.Domain.Workloads;

namespace Augur.CostModels.Memory;

/// <summary>
/// Activation bytes one layer keeps for the backward pass, per micro-batch, 16-bit activations.
/// Generalises Korthikanti et al. 2022 (arXiv 2205.05198) Table 2 — sbh·(34 + 5as/h) for GPT with dropout —
/// to GQA/MLA projections, gated MLPs and MoE layers: every tensor a layer saves is listed once below, and each
/// recomputed module (Megatron-core's --recompute-modules) drops what it rebuilds in the backward pass.
/// </summary>
public static class ActivationMemory
{
    /// <param name="tokens">Tokens of the micro-batch on this GPU's TP group (b·s/cp).</param>
    /// <param name="keys">Keys each query sees in an unfused score matrix (s for training).</param>
    /// <param name="moe">True for an MoE layer.</param>
    /// <param name="expertVisitsPerToken">Token×expert visits on this GPU per TP-group token, times etp/tp already applied.</param>
    public static double LayerBytes(ModelSpec m, ParallelLayout l, double tokens, double keys, AttentionKernel kernel,
        bool moe, double expertVisitsPerToken)
    {
        double d = m.Hidden, t = l.Tp;
        double mask = m.Dropout ? 1.0 : 0.0;
        var rc = l.Recompute;
        if (rc == Recompute.Full)
        {
            // Only each layer's input survives (2 bytes × d), sharded by SP when on.
            return tokens * 2 * d / (l.Sp ? t : 1);
        }
        double q, kv, attnOut;
        if (m.Mla is { } mla)
        {
            // With mla_up_proj recomputed only the latents stay; the per-head Q, K, V are rebuilt from them.
            bool upProj = (rc & Recompute.MlaUpProj) != 0;
            q = upProj ? 0 : m.Heads * mla.QkHeadDim;
            kv = (upProj ? 0 : m.Heads * (mla.QkHeadDim + mla.VHeadDim) / 2.0) + mla.KvLoraRank + mla.QLoraRank;
            attnOut = m.Heads * mla.VHeadDim;
        }
        else
        {
            q = m.Heads * m.HeadDim;
            kv = m.KvHeads * m.HeadDim;
            attnOut = q;
        }
        // Replicated across TP without sequence parallelism: two norm inputs (4d), the QKV and MLP inputs (4d: the norm
        // outputs, dropped when layernorm is recomputed), dropout masks.
        double replicated = ((rc & Recompute.LayerNorm) != 0 ? 4 : 8) * d + 2 * mask * d;
        // Sharded by TP: Q, K, V, attention output.
        double sharded = 2 * q + 4 * kv + 2 * attnOut;
        double mlp;
        if (moe && m.Moe is { } spec)
        {
            // Per visit: the dispatched token (2d), the first GEMM's output (4F gated / 2F) and the activation output
            // (2F, dropped with moe_act). Recomputing moe keeps only the block's input (counted above).
            double ffn = (double)spec.ExpertFfn / l.Etp;
            double perVisit = 2 * d + ((m.GatedMlp ? 4 : 2) + ((rc & Recompute.MoeAct) != 0 ? 0 : 2)) * ffn;
            double shared = (rc & Recompute.SharedExperts) != 0 ? 0 : spec.SharedExperts * (m.GatedMlp ? 6 : 4) * (double)spec.SharedExpertFfn / t;
            mlp = (rc & Recompute.Moe) != 0 ? 0 : shared + expertVisitsPerToken * perVisit;
        }
        else mlp = (rc & Recompute.Mlp) != 0 ? 0 : (m.GatedMlp ? 6 : 4) * (double)m.Ffn / t;
        double perToken = (l.Sp ? replicated / t : replicated) + sharded / t + mlp;
        double bytes = tokens * perToken;
        if (kernel == AttentionKernel.Unfused && (rc & Recompute.Selective) == 0)
            bytes += (2 + 3 * mask) * (m.Heads / t) * tokens * keys;
        return bytes;
    }

    /// <summary>
    /// Micro-batches of activations the first pipeline stage holds at its peak under 1F1B: min(m, p), times
    /// (1 + (p−1)/(p·v)) with interleaving (Korthikanti et al. 2022 §4.2.3).
    /// </summary>
    public static double InFlightFactor(int pp, int vp, int microBatches)
    {
        double inflight = Math.Min(microBatches, pp);
        if (vp > 1) inflight *= 1 + (pp - 1.0) / (pp * vp);
        return inflight;
    }
}
