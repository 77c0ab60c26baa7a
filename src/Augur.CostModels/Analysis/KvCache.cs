using Augur.Domain.Hardware;
using Augur.Domain.Models;
using Augur.Units;

namespace Augur.CostModels.Analysis;

/// <summary>KV-cache size per token (docs/FORMULAS.md §2).</summary>
public static class KvCache
{
    /// <summary>
    /// Bytes cached per token for the whole model: MHA/GQA 2·L·h_kv·d_h·bytes; MLA L·(kv_lora_rank + rope)·bytes
    /// (the compressed latent plus the shared rotary key, which tensor parallelism cannot shard), over the softmax-attention
    /// layers only (linear-attention layers keep a fixed state instead); DSA adds each layer's FP8 index key.
    /// Sliding-window and chunked layers are counted in full here; <see cref="BytesPerTokenAtContext"/> caps them.
    /// </summary>
    public static Bytes BytesPerToken(ModelSpec m, Precision kv) =>
        new(ElementsPerTokenPerLayer(m) * m.SoftmaxLayers * kv.BytesPerElement() + IndexBytesPerToken(m));

    /// <summary>DSA's cached index keys per token, every layer (<see cref="SparseAttentionCost.IndexKeyBytes"/>); 0 without DSA.</summary>
    public static double IndexBytesPerToken(ModelSpec m) =>
        m.SparseAttention is { } dsa ? SparseAttentionCost.IndexKeyBytes(dsa) * m.Layers : 0;

    public static double ElementsPerTokenPerLayer(ModelSpec m) =>
        m.Mla is { } mla ? mla.KvLoraRank + mla.QkRopeHeadDim : 2.0 * m.KvHeads * m.HeadDim;

    /// <summary>
    /// Average KV bytes per token of a sequence of <paramref name="contextTokens"/>, with sliding-window layers holding at
    /// most their window and chunked layers at most one chunk (linear-attention layers hold none, as in <see cref="BytesPerToken"/>).
    /// </summary>
    public static Bytes BytesPerTokenAtContext(ModelSpec m, Precision kv, double contextTokens)
    {
        bool windowCaps = m.SlidingWindow > 0 && contextTokens > m.SlidingWindow, chunkCaps = m.AttentionChunk > 0 && contextTokens > m.AttentionChunk;
        if (!windowCaps && !chunkCaps) return BytesPerToken(m, kv);
        double windowed = windowCaps ? m.Layers * m.SlidingLayerFraction : 0, chunked = chunkCaps ? m.Layers * m.ChunkedLayerFraction : 0;
        double full = m.SoftmaxLayers - windowed - chunked;
        double layersEquivalent = full + windowed * m.SlidingWindow / contextTokens + chunked * m.AttentionChunk / contextTokens;
        return new(ElementsPerTokenPerLayer(m) * layersEquivalent * kv.BytesPerElement() + IndexBytesPerToken(m));
    }

    /// <summary>
    /// K/V bytes one tensor-parallel rank holds per token per layer, in <paramref name="p"/>: what a decode step reads
    /// from the cache and what context parallelism gathers.
    /// </summary>
    public static Bytes BytesPerTokenPerLayer(ModelSpec m, Precision p, int tp) =>
        new(ElementsPerTokenPerLayer(m) * TensorParallelShare(m, tp) * p.BytesPerElement());

    /// <summary>
    /// KV heads each tensor-parallel rank stores: h_kv / t rounded up (replicated when t &gt; h_kv);
    /// MLA's latent is not sharded by TP at all.
    /// </summary>
    public static double TensorParallelShare(ModelSpec m, int tp)
    {
        if (m.Mla is not null) return 1.0;
        double perRank = m.KvHeadsPerRank(tp);
        return perRank / m.KvHeads;
    }
}
