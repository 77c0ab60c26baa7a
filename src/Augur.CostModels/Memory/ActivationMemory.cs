using Augur.Domain.Models;
using Augur.Domain.Parallelism;
using Augur.Domain.Workloads;

namespace Augur.CostModels.Memory;

/// <summary>
/// Activation bytes one layer keeps for the backward pass, per micro-batch, 16-bit activations.
/// Generalises Korthikanti et al. 2022 (arXiv 2205.05198) Table 2 — sbh·(34 + 5as/h) for GPT with dropout —
/// to GQA/MLA projections, gated MLPs and MoE layers: every tensor a layer saves is listed once below.
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
        if (l.Recompute == Recompute.Full)
        {
            // Only each layer's input survives (2 bytes × d), sharded by SP when on.
            return tokens * 2 * d / (l.Sp ? t : 1);
        }
        double q, kv, attnOut;
        if (m.Mla is { } mla)
        {
            q = m.Heads * mla.QkHeadDim;
            kv = m.Heads * (mla.QkHeadDim + mla.VHeadDim) / 2.0 + mla.KvLoraRank + mla.QLoraRank;
            attnOut = m.Heads * mla.VHeadDim;
        }
        else
        {
            q = m.Heads * m.HeadDim;
            kv = m.KvHeads * m.HeadDim;
            attnOut = q;
        }
        // Replicated across TP without sequence parallelism: two norm inputs (4d), the QKV and MLP inputs (4d), dropout masks.
        double replicated = 8 * d + 2 * mask * d;
        // Sharded by TP: Q, K, V, attention output.
        double sharded = 2 * q + 4 * kv + 2 * attnOut;
        double mlp;
        if (moe && m.Moe is { } spec)
        {
            double perVisit = 2 * d + (m.GatedMlp ? 6 : 4) * (double)spec.ExpertFfn / l.Etp;
            double shared = spec.SharedExperts * (m.GatedMlp ? 6 : 4) * (double)spec.SharedExpertFfn / t;
            mlp = shared + expertVisitsPerToken * perVisit;
        }
        else mlp = (m.GatedMlp ? 6 : 4) * (double)m.Ffn / t;
        double perToken = (l.Sp ? replicated / t : replicated) + sharded / t + mlp;
        double bytes = tokens * perToken;
        if (kernel == AttentionKernel.Unfused && l.Recompute == Recompute.None)
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
