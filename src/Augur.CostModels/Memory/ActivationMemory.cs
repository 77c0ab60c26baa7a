using Augur.Domain.Hardware;
using Augur.Domain.Models;
using Augur.Domain.Parallelism;
using Augur.Domain.Workloads;

namespace Augur.CostModels.Memory;

/// <summary>
/// Activation bytes one layer keeps for the backward pass, per micro-batch: 16-bit activations, GEMM inputs at their saved precision.
/// Generalises Korthikanti et al. 2022 (arXiv 2205.05198) Table 2 — sbh·(34 + 5as/h) for GPT with dropout —
/// to GQA/MLA projections, gated MLPs and MoE layers: every tensor a layer saves is listed once below, and each
/// recomputed module (Megatron-core's --recompute-modules) drops what it rebuilds in the backward pass.
/// </summary>
public static class ActivationMemory
{
    /// <summary>
    /// The precision of what a layer keeps, by tensor: GEMM inputs (<see cref="SavedGemmInputBytes"/>), LoRA's frozen base
    /// (<see cref="TrainingJob.Lora"/>), the SwiGLU input in FP8 (<see cref="TrainingJob.Fp8ActivationStore"/>), FP8
    /// attention's Q, K and V (<see cref="TrainingJob.Fp8Attention"/>).
    /// </summary>
    public readonly record struct Saved(double GemmInputBytes = 2, LoraSpec? Lora = null, bool Fp8ActivationInput = false, bool Fp8Attention = false)
    {
        public static Saved Of(TrainingJob job) =>
            new(SavedGemmInputBytes(job.Precision), job.Lora, job.Fp8ActivationStore, job.Fp8Attention);
    }

    /// <param name="tokens">Tokens of the micro-batch on this GPU's TP group (b·s/cp).</param>
    /// <param name="keys">Keys each query sees in an unfused score matrix (s for training).</param>
    /// <param name="moe">True for an MoE layer.</param>
    /// <param name="expertVisitsPerToken">Token×expert visits on this GPU per TP-group token, times etp/tp already applied.</param>
    /// <param name="gemmInputBytes">
    /// Bytes per element of what a linear layer saves of its input for the weight gradient: 2 in 16-bit training,
    /// the quantized copy in FP8/FP4 training (<see cref="SavedGemmInputBytes"/>).
    /// </param>
    public static double LayerBytes(ModelSpec m, ParallelLayout l, double tokens, double keys, AttentionKernel kernel,
        bool moe, double expertVisitsPerToken, double gemmInputBytes = 2) =>
        LayerBytes(m, l, tokens, keys, kernel, moe, expertVisitsPerToken, new Saved(gemmInputBytes));

    /// <summary>The same, with what the layer keeps set by <paramref name="saved"/>.</summary>
    public static double LayerBytes(ModelSpec m, ParallelLayout l, double tokens, double keys, AttentionKernel kernel,
        bool moe, double expertVisitsPerToken, Saved saved)
    {
        double d = m.Hidden, t = l.Tp, g = saved.GemmInputBytes;
        var lora = saved.Lora;
        double mask = m.Dropout ? 1.0 : 0.0;
        var rc = l.Recompute;
        if (rc == Recompute.Full)
        {
            // Only each layer's input survives (2 bytes × d), sharded by SP when on.
            return tokens * 2 * d / (l.Sp ? t : 1);
        }
        // Sharded by TP: the per-head Q, K, V fused attention keeps (16-bit), and the attention output, which the
        // attention keeps in 16 bits and the output projection as its input (the same tensor in 16-bit training, a
        // quantized copy besides it in FP8/FP4: TransformerEngine's "attention output saved anyway").
        double heads, latents, attnOut;
        if (m.Mla is { } mla)
        {
            // With mla_up_proj recomputed only the latents stay; the per-head Q, K, V are rebuilt from them. Each
            // latent is kept twice: as its norm's input (16-bit) and as the up-projection's input.
            bool upProj = (rc & Recompute.MlaUpProj) != 0;
            heads = upProj ? 0 : 2.0 * m.Heads * mla.QkHeadDim + 2.0 * m.Heads * (mla.QkHeadDim + mla.VHeadDim);
            latents = (2 + g) * (mla.KvLoraRank + mla.QLoraRank);
            attnOut = m.Heads * mla.VHeadDim;
        }
        else
        {
            // FP8 attention keeps its quantized Q, K and V, one byte each.
            heads = (saved.Fp8Attention ? 1 : 2) * (m.Heads * m.HeadDim + 2.0 * m.KvHeads * m.HeadDim);
            latents = 0;
            attnOut = m.Heads * m.HeadDim;
        }
        double sharded = heads + latents + (g < 2 ? 2 + g : 2) * attnOut;
        // Replicated across TP without sequence parallelism: two norm inputs (4d, 16-bit), the QKV and MLP inputs
        // (the norm outputs, 2·g·d, dropped when layernorm is recomputed), dropout masks.
        double replicated = 4 * d + ((rc & Recompute.LayerNorm) != 0 ? 0 : 2 * g * d) + 2 * mask * d;
        // An MLP keeps its first GEMM's output for the activation's backward (16-bit: 4F gated, 2F plain) and the
        // second GEMM's input (g·F).
        // The SwiGLU's input in one FP8 byte with Megatron-core's activation_func_fp8_input_store.
        double firstOutputPerFfn = m.GatedMlp ? saved.Fp8ActivationInput ? 2 : 4 : 2, mlpPerFfn = firstOutputPerFfn + g;
        double mlp;
        if (moe && m.Moe is { } spec)
        {
            // Per visit: the dispatched token as the experts' first input (g·d) and the expert MLP, whose activation
            // output moe_act drops. Recomputing moe keeps only the block's input (counted above).
            double ffn = (double)spec.ExpertFfn / l.Etp;
            double perVisit = g * d + ((rc & Recompute.MoeAct) != 0 ? firstOutputPerFfn : mlpPerFfn) * ffn;
            double shared = (rc & Recompute.SharedExperts) != 0 ? 0 : spec.SharedExperts * mlpPerFfn * spec.SharedExpertFfn / t;
            mlp = (rc & Recompute.Moe) != 0 ? 0 : shared + expertVisitsPerToken * perVisit;
            // In quantized training the MoE block's input is kept twice more: at 16 bits by the router (its GEMM is not
            // quantized) and as the shared experts' own quantized copy.
            if (g < 2 && (rc & (Recompute.Moe | Recompute.LayerNorm)) == 0)
                replicated += (2 - g) * d + (spec.SharedExperts > 0 && (rc & Recompute.SharedExperts) == 0 ? g * d : 0);
        }
        else mlp = (rc & Recompute.Mlp) != 0 ? 0 : mlpPerFfn * m.Ffn / t;
        if (lora is not null)
        {
            // A frozen base layer keeps no input for a weight gradient it does not compute (Transformer Engine's Linear saves
            // its input only when the weight requires a gradient): not the QKV and first MLP inputs, not the output
            // projection's quantized copy, not the second MLP or expert GEMMs' inputs. Each adapter keeps its own input in
            // 16 bits instead (its rank-wide intermediate is negligible).
            var targets = lora.Targets;
            replicated -= (rc & Recompute.LayerNorm) != 0 ? 0 : 2 * g * d;
            replicated += 2 * d * (((targets & LoraTargets.Qkv) != 0 ? 1 : 0) + ((targets & LoraTargets.Fc1) != 0 ? 1 : 0));
            sharded += ((targets & LoraTargets.Proj) != 0 ? 2 : 0) * attnOut - (g < 2 ? g : 0) * attnOut;
            if (!moe && (rc & Recompute.Mlp) == 0) mlp += (((targets & LoraTargets.Fc2) != 0 ? 2 : 0) - g) * m.Ffn / t;
            else if (moe && m.Moe is { } routed && (rc & Recompute.Moe) == 0)
                mlp -= expertVisitsPerToken * g * (d + (double)routed.ExpertFfn / l.Etp);
        }
        double perToken = (l.Sp ? replicated / t : replicated) + sharded / t + mlp;
        double bytes = tokens * perToken;
        if (kernel == AttentionKernel.Unfused && (rc & Recompute.Selective) == 0)
            bytes += (2 + 3 * mask) * (m.Heads / t) * tokens * keys;
        return bytes;
    }

    /// <summary>
    /// What a linear layer keeps of its input for the weight gradient, per element: TransformerEngine saves the
    /// quantized (columnwise) copy in low-precision training (docs/features/low_precision_training/performance_considerations:
    /// "1 MB (input in FP8 saved for backward)" for a 1024×1024 BF16 input): 1 byte in FP8, 4 bits plus one FP8 scale
    /// per 16 elements in NVFP4; 2 bytes in 16-bit training.
    /// </summary>
    public static double SavedGemmInputBytes(Precision p) => p switch
    {
        Precision.FP8 => 1.0,
        Precision.FP4 => 0.5 + 1.0 / 16,
        _ => 2.0,
    };
}
