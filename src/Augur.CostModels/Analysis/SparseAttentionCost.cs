using Augur.Domain.Models;

namespace Augur.CostModels.Analysis;

/// <summary>
/// The lightning indexer of DeepSeek Sparse Attention (DeepSeek-V3.2-Exp technical report §2.1; deepseek-ai/DeepSeek-V3.2-Exp
/// inference/model.py Indexer): per layer, queries of index_n_heads × index_head_dim (from the query latent) score one
/// index_head_dim key per earlier token, in FP8, and the top index_topk keys go on to MLA.
/// </summary>
public static class SparseAttentionCost
{
    /// <summary>
    /// Bytes of one token's cached index key per layer: index_head_dim FP8 values and one fp32 scale per 128 of them
    /// (model.py: k_cache float8_e4m3fn, k_scale_cache float32 per block of 128).
    /// </summary>
    public static double IndexKeyBytes(SparseAttentionSpec s) => s.IndexHeadDim + 4.0 * Math.Ceiling(s.IndexHeadDim / 128.0);

    /// <summary>FLOPs of one (query, earlier token) score: 2 · index_n_heads · index_head_dim.</summary>
    public static double IndexFlopsPerKey(SparseAttentionSpec s) => 2.0 * s.IndexHeads * s.IndexHeadDim;

    /// <summary>
    /// Weights of the indexer per layer: wq_b (q_lora_rank → heads × dim), wk (d → dim), weights_proj (d → heads) and
    /// the key's LayerNorm (2 · dim).
    /// </summary>
    public static double Params(double d, int qLoraRank, SparseAttentionSpec s) =>
        (double)qLoraRank * s.IndexHeads * s.IndexHeadDim + d * s.IndexHeadDim + d * s.IndexHeads + 2.0 * s.IndexHeadDim;
}
