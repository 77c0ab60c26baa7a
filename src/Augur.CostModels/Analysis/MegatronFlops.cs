using Augur.Domain.Models;

namespace Augur.CostModels.Analysis;

/// <summary>
/// The FLOPs per token Megatron-LM counts when it prints a run's TFLOP/s (num_floating_point_operations in
/// megatron/training/training.py @ NVIDIA/Megatron-LM e5ad09802d, unpacked sequences): every GEMM three times (forward,
/// data and weight gradients) at 2 FLOPs per multiply-add, no recomputation. Per token: the dense, routed (top-k) and
/// shared expert MLPs; attention's projections (GQA or MLA); the causal core, s·q per pass for a query width q; the
/// Gated DeltaNet layers' projections, convolution and state updates; multi-token-prediction depths as extra layers
/// of the last layer's kind with their norms and projection; and the output layer once per prediction. Windows, chunks
/// and sparse attention are counted as full causal attention, as Megatron does. Publications that report Megatron's
/// TFLOP/s are converted to tokens with it.
/// </summary>
public static class MegatronFlops
{
    /// <summary>Three passes of 2 FLOPs per multiply-add.</summary>
    const double PerWeight = 6;

    /// <summary>FLOPs per trained token at <paramref name="seqLen"/> tokens per sequence with <paramref name="mtpLayers"/> prediction depths.</summary>
    public static double PerToken(ModelSpec m, int seqLen, int mtpLayers)
    {
        double h = m.Hidden;
        int ffnMatrices = m.GatedMlp ? 3 : 2;
        int moeLayers = m.MoeLayers + m.MtpMoeLayers(mtpLayers);
        int denseLayers = m.Layers + mtpLayers - moeLayers;
        int linearLayers = m.LinearAttention?.Layers ?? 0;
        int softmaxLayers = m.Layers + mtpLayers - linearLayers;

        double mlp = (double)m.Ffn * ffnMatrices * denseLayers;
        if (m.Moe is { } moe)
            mlp += ((double)moe.ExpertFfn * moe.TopK + (double)moe.SharedExperts * moe.SharedExpertFfn) * ffnMatrices * moeLayers;

        var (projections, core) = Attention(m);
        double tokenLinear = PerWeight * (h * mlp + projections * softmaxLayers + LinearAttention(m) * linearLayers
            + mtpLayers * (3 * h + 2 * h * h) + h * m.Vocab * (mtpLayers + 1));
        return tokenLinear + (double)seqLen * core * softmaxLayers;
    }

    /// <summary>Weights per token of one attention layer's projections, and its causal core's FLOPs per token per key position.</summary>
    static (double Projections, double Core) Attention(ModelSpec m)
    {
        double h = m.Hidden;
        if (m.Mla is { } mla)
        {
            double q = mla.QLoraRank > 0
                ? mla.QLoraRank * (h + (double)m.Heads * mla.QkHeadDim + 1)
                : h * m.Heads * mla.QkHeadDim;
            double kv = mla.KvLoraRank * (h + (double)m.Heads * (mla.QkNopeHeadDim + mla.VHeadDim) + 1) + h * mla.QkRopeHeadDim;
            double o = (double)m.Heads * mla.VHeadDim * h;
            return (q + kv + o, PerWeight * ((double)m.Heads * mla.QkHeadDim / 2 + (double)m.Heads * mla.VHeadDim / 2));
        }
        double query = (double)m.HeadDim * m.Heads, keyValue = (double)m.HeadDim * m.KvHeads;
        return (h * (query + 2 * keyValue) + query * h, PerWeight * query);
    }

    /// <summary>Per-token FLOPs over <see cref="PerWeight"/> of one Gated DeltaNet layer (projections, convolution, state).</summary>
    static double LinearAttention(ModelSpec m)
    {
        if (m.LinearAttention is not { } la) return 0;
        double qk = (double)la.KeyHeadDim * la.KeyHeads, v = (double)la.ValueHeadDim * la.ValueHeads;
        return m.Hidden * (2 * qk + 2 * v + 2 * la.ValueHeads) + la.ConvKernel * (2 * qk + v)
            + (double)la.ValueHeads * la.ValueHeadDim * la.ValueHeadDim * 4 + m.Hidden * v;
    }
}
