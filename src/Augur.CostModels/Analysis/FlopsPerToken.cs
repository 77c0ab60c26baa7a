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

    /// <summary>
    /// The same count without the router GEMM, which Megatron-LM's <c>num_floating_point_operations</c>
    /// (megatron/training/training.py) leaves out; use it to compare with Megatron-reported TFLOP/s.
    /// </summary>
    public double MegatronForward => Forward - Router;

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
    public static FlopsPerToken ForSequence(ModelSpec m, double seqLen) =>
        ForContext(m, seqLen / 2.0, WindowedContext(m, seqLen));

    /// <summary>Average attended context per token for the sliding-window layers of a causal sequence.</summary>
    public static double WindowedContext(ModelSpec m, double seqLen)
    {
        if (m.SlidingWindow <= 0) return seqLen / 2.0;
        double w = m.SlidingWindow;
        return seqLen <= w ? seqLen / 2.0 : w - w * w / (2.0 * seqLen);
    }

    /// <summary>Keys a decoding token attends in sliding-window layers at a context of <paramref name="context"/> tokens.</summary>
    public static double DecodeWindow(ModelSpec m, double context) => m.SlidingWindow > 0 ? Math.Min(context, m.SlidingWindow) : context;

    /// <summary>
    /// Per-token forward FLOPs when each token attends to <paramref name="fullContext"/> tokens in full-attention
    /// layers and <paramref name="windowContext"/> in sliding-window layers (decode: the current context length).
    /// </summary>
    public static FlopsPerToken ForContext(ModelSpec m, double fullContext, double windowContext)
    {
        double d = m.Hidden;
        int layers = m.Layers;
        double proj = 2 * ParameterCounter.AttentionProjectionParams(m) * layers;
        double qkDim, vDim;
        if (m.Mla is { } mla) { qkDim = mla.QkHeadDim; vDim = mla.VHeadDim; }
        else { qkDim = m.HeadDim; vDim = m.HeadDim; }
        double perContextToken = 2 * m.Heads * (qkDim + vDim);
        double slidingLayers = m.SlidingWindow > 0 ? layers * m.SlidingLayerFraction : 0;
        double fullLayers = layers - slidingLayers;
        double core = perContextToken * (fullLayers * fullContext + slidingLayers * windowContext);

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
