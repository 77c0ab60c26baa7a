using Augur.Domain.Models;

namespace Augur.CostModels.Analysis;

/// <summary>
/// One Gated DeltaNet layer (Yang, Kautz and Hatamizadeh, "Gated Delta Networks: Improving Mamba2 with Delta Rule",
/// arXiv:2412.06464), as Qwen3-Next interleaves it (transformers Qwen3NextGatedDeltaNet): each value head keeps a
/// d_k × d_v state S, updated per token as S ← α·S·(I − β·k·kᵀ) + β·v·kᵀ and read as o = S·q.
/// </summary>
public static class LinearAttentionCost
{
    /// <summary>Tokens per chunk of the chunkwise-parallel kernels (flash-linear-attention's chunk_gated_delta_rule: 64).</summary>
    public const double Chunk = 64;

    /// <summary>
    /// Weights of one layer's projections: in_proj_qkvz d → 2·h_k·d_k + 2·h_v·d_v (q, k, v and the output gate z),
    /// in_proj_ba d → 2·h_v (β and the decay α), out_proj h_v·d_v → d, the convolution's channels × kernel, and the
    /// gated norm's d_v.
    /// </summary>
    public static double ProjectionParams(double d, LinearAttentionSpec s)
    {
        double qk = 2.0 * s.KeyHeads * s.KeyHeadDim, v = (double)s.ValueHeads * s.ValueHeadDim;
        return d * (qk + 2 * v) + d * 2.0 * s.ValueHeads + v * d + s.ConvChannels * s.ConvKernel + s.ValueHeadDim;
    }

    /// <summary>
    /// FLOPs per token of the recurrence, per layer: for each value head S·k, the rank-one update and S·q, three
    /// d_k × d_v products of 2 FLOPs per element: 6·h_v·d_k·d_v. A decoding token pays this.
    /// </summary>
    public static double RecurrentFlopsPerToken(LinearAttentionSpec s) => 6.0 * s.ValueHeads * s.KeyHeadDim * s.ValueHeadDim;

    /// <summary>
    /// FLOPs per token of the chunkwise form (paper §3.3, with the WY representation of Yang et al. 2024, arXiv:2406.06484
    /// §3): per head the C×C products inside a chunk (K·Kᵀ and Q·Kᵀ over d_k, W = T·K over d_k, U = T·V and the masked
    /// scores × V over d_v: 2·C·(3·d_k + 2·d_v)) plus the three chunk-state products of the recurrence (6·d_k·d_v).
    /// Training and prefill pay this.
    /// </summary>
    public static double ChunkwiseFlopsPerToken(LinearAttentionSpec s) =>
        RecurrentFlopsPerToken(s) + 2.0 * Chunk * s.ValueHeads * (3.0 * s.KeyHeadDim + 2.0 * s.ValueHeadDim);
}
