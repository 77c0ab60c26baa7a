using Augur.Domain.Models;

namespace Augur.CostModels.Analysis;

/// <summary>
/// Forward FLOPs per token, summed over all layers, split by operator kind. One multiply-accumulate = 2 FLOPs.
/// Training model FLOPs are 3× forward (forward, data gradient, weight gradient: Narayanan et al. SC'21 appendix).
/// </summary>
public readonly record struct FlopsPerToken(
    double AttentionProjections,
    double AttentionCore,
    double DenseMlp,
    double RoutedExperts,
    double SharedExperts,
    double Router,
    double Logits)
{
    public double Forward => AttentionProjections + AttentionCore + DenseMlp + RoutedExperts + SharedExperts + Router + Logits;

    /// <summary>Forward + backward (3× forward) model FLOPs per token: what MFU counts.</summary>
    public double Training => 3 * Forward;

    /// <summary>Matrix-multiply FLOPs whose size scales with parameters (everything but core attention).</summary>
    public double ParameterGemms => Forward - AttentionCore;
}

/// <summary>
/// Counts FLOPs from the architecture. Attention convention: CAUSAL — a token at position p attends to p
/// earlier tokens, so a training sequence of s tokens averages s/2 (Megatron-LM's average_ratio 0.5); tools
/// that count the full s×s product overstate core attention 2× (MaxText PR #537).
/// </summary>
public static class FlopCounter
{
    /// <summary>Per-token forward FLOPs for training or prefill of a full sequence of <paramref name="seqLen"/> tokens.</summary>
    public static FlopsPerToken ForSequence(ModelSpec m, double seqLen) => ForKeys(m, AttentionSpan.Causal(m, seqLen));

    /// <summary>Per-token forward FLOPs of a token decoding at a context of <paramref name="context"/> tokens.</summary>
    public static FlopsPerToken ForDecode(ModelSpec m, double context) => ForKeys(m, AttentionSpan.Decode(m, context));

    /// <summary>
    /// Per-token forward FLOPs when each query attends <paramref name="keys"/> in each kind of layer
    /// (<see cref="AttentionSpan"/>). Linear-attention layers and DSA's indexer add their own (<see cref="LinearAttentionCost"/>,
    /// <see cref="SparseAttentionCost"/>), the indexer over every earlier token (the full span).
    /// </summary>
    public static FlopsPerToken ForKeys(ModelSpec m, in AttendedKeys keys)
    {
        double d = m.Hidden;
        int layers = m.Layers;
        double softmaxLayers = m.SoftmaxLayers;
        double proj = 2 * ParameterCounter.AttentionProjectionParams(m) * softmaxLayers;
        double qkDim, vDim;
        if (m.Mla is { } mla) { qkDim = mla.QkHeadDim; vDim = mla.VHeadDim; }
        else { qkDim = m.HeadDim; vDim = m.HeadDim; }
        double perContextToken = 2 * m.Heads * (qkDim + vDim);
        double slidingLayers = m.SlidingWindow > 0 ? layers * m.SlidingLayerFraction : 0;
        double chunkedLayers = m.AttentionChunk > 0 ? layers * m.ChunkedLayerFraction : 0;
        double fullLayers = softmaxLayers - slidingLayers - chunkedLayers;
        double full = m.SparseAttention is null ? keys.Full : keys.Sparse;
        double core = perContextToken * (fullLayers * full + slidingLayers * keys.Window + chunkedLayers * keys.Chunk);
        if (m.SparseAttention is { } dsa) core += softmaxLayers * SparseAttentionCost.IndexFlopsPerKey(dsa) * keys.Full;
        if (m.LinearAttention is { } lin)
        {
            proj += 2 * LinearAttentionCost.ProjectionParams(m.Hidden, lin) * lin.Layers;
            core += LinearAttentionCost.RecurrentFlopsPerToken(lin) * lin.Layers;
        }

        double denseMlp = 2 * ParameterCounter.MlpParams(d, m.Ffn, m.GatedMlp) * m.DenseLayers;
        double routed = 0, shared = 0, router = 0;
        if (m.Moe is { } moe)
        {
            routed = 2 * moe.TopK * ParameterCounter.MlpParams(d, moe.ExpertFfn, m.GatedMlp) * m.MoeLayers;
            shared = 2 * moe.SharedExperts * ParameterCounter.MlpParams(d, moe.SharedExpertFfn, m.GatedMlp) * m.MoeLayers;
            router = 2 * d * moe.Experts * m.MoeLayers;
        }
        double logits = 2 * d * m.Vocab;
        return new FlopsPerToken(proj, core, denseMlp, routed, shared, router, logits);
    }
}
