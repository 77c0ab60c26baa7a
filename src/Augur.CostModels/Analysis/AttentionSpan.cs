using Augur.Domain.Models;

namespace Augur.CostModels.Analysis;

/// <summary>Keys one query attends in each kind of softmax-attention layer.</summary>
/// <param name="Full">Full causal attention.</param>
/// <param name="Window">Sliding-window layers (the last W keys).</param>
/// <param name="Chunk">Chunked local attention (the earlier keys of the query's own C-token chunk).</param>
/// <param name="Sparse">DeepSeek Sparse Attention (the top-k keys the indexer picks, on every layer).</param>
public readonly record struct AttendedKeys(double Full, double Window, double Chunk, double Sparse);

/// <summary>
/// How far each layer of a model attends: the one place sliding windows, attention chunks and DSA's top-k turn a
/// context into attended keys, for training, serving, FLOP counts and KV reads alike.
/// </summary>
public static class AttentionSpan
{
    /// <summary>
    /// Average keys per query over a causal sequence of <paramref name="s"/> tokens (training, a whole prefill): full
    /// s/2; a window W (and DSA's top-k) W − W²/(2s) past W; chunks of C (n whole chunks and r tokens left)
    /// (n·C² + r²)/(2s), each query attending half its chunk on average.
    /// </summary>
    public static AttendedKeys Causal(ModelSpec m, double s) =>
        new(s / 2.0, CausalWindow(m.SlidingWindow, s), CausalChunk(m.AttentionChunk, s), CausalWindow(m.SparseAttention?.TopK ?? 0, s));

    /// <summary>
    /// Keys a token decoding at context <paramref name="c"/> attends: full c; window (and DSA) min(c, W); a chunk c while
    /// c ≤ C, past it C/2 on average over the positions of a chunk.
    /// </summary>
    public static AttendedKeys Decode(ModelSpec m, double c) =>
        new(c, m.SlidingWindow > 0 ? Math.Min(c, m.SlidingWindow) : c, m.AttentionChunk <= 0 || c <= m.AttentionChunk ? c : m.AttentionChunk / 2.0,
            m.SparseAttention is { } dsa ? Math.Min(c, dsa.TopK) : c);

    static double CausalWindow(double w, double s) => w <= 0 || s <= w ? s / 2.0 : w - w * w / (2.0 * s);

    static double CausalChunk(double chunk, double s)
    {
        if (chunk <= 0 || s <= chunk) return s / 2.0;
        double whole = Math.Floor(s / chunk), rest = s - whole * chunk;
        return (whole * chunk * chunk + rest * rest) / (2.0 * s);
    }

    /// <summary>
    /// Keys per query averaged over the softmax-attention layers: full, sliding and chunked layers by their share (linear
    /// layers have none); DSA caps the full layers at its top-k.
    /// </summary>
    public static double PerSoftmaxLayer(ModelSpec m, in AttendedKeys k)
    {
        double sliding = m.SlidingWindow > 0 ? m.SlidingLayerFraction : 0;
        double chunked = m.AttentionChunk > 0 ? m.ChunkedLayerFraction : 0;
        double softmax = 1 - m.LinearLayerFraction;
        double full = m.SparseAttention is null ? k.Full : k.Sparse;
        return ((softmax - sliding - chunked) * full + sliding * k.Window + chunked * k.Chunk) / softmax;
    }

    /// <summary>
    /// Share of a decoding sequence's cached tokens one softmax layer reads on average at context <paramref name="c"/>:
    /// windows, chunks and DSA read only what they attend (1 for full attention).
    /// </summary>
    public static double DecodeReadShare(ModelSpec m, double c) => c > 0 ? PerSoftmaxLayer(m, Decode(m, c)) / c : 1;
}
