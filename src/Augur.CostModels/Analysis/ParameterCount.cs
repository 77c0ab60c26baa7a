using Augur.Domain.Models;

namespace Augur.CostModels.Analysis;

/// <summary>Parameter counts of one model, split the way memory and parallelism need them.</summary>
/// <param name="Embedding">Input embedding plus learned position table.</param>
/// <param name="LmHead">Output projection (zero when tied to the embedding).</param>
/// <param name="AttentionPerLayer">Attention projections and norms of one layer.</param>
/// <param name="DenseMlpPerLayer">Dense MLP of one dense layer (zero for an all-MoE model's MoE layers).</param>
/// <param name="RoutedExpertsPerMoeLayer">All routed experts of one MoE layer.</param>
/// <param name="OneRoutedExpert">One routed expert.</param>
/// <param name="SharedExpertsPerMoeLayer">Shared experts plus router of one MoE layer.</param>
public readonly record struct ParameterCount(
    double Embedding,
    double LmHead,
    double AttentionPerLayer,
    double DenseMlpPerLayer,
    double RoutedExpertsPerMoeLayer,
    double OneRoutedExpert,
    double SharedExpertsPerMoeLayer,
    double FinalNorm,
    int DenseLayers,
    int MoeLayers,
    int TopK)
{
    /// <summary>Every parameter, all experts included.</summary>
    public double Total =>
        Embedding + LmHead + FinalNorm
        + (DenseLayers + MoeLayers) * AttentionPerLayer
        + DenseLayers * DenseMlpPerLayer
        + MoeLayers * (RoutedExpertsPerMoeLayer + SharedExpertsPerMoeLayer);

    /// <summary>Parameters one token passes through (top-k routed experts plus shared experts), embeddings included.</summary>
    public double Active =>
        Embedding + LmHead + FinalNorm
        + (DenseLayers + MoeLayers) * AttentionPerLayer
        + DenseLayers * DenseMlpPerLayer
        + MoeLayers * (TopK * OneRoutedExpert + SharedExpertsPerMoeLayer);

    /// <summary>
    /// Of <see cref="AttentionPerLayer"/>, the parameters held whole on every tensor-parallel rank: the linear-attention
    /// mixers' share when a trainer replicates them (<see cref="Domain.Workloads.TrainingJob.ReplicatedLinearAttention"/>); 0
    /// when tensor parallelism splits every layer.
    /// </summary>
    public double ReplicatedPerLayer { get; init; }

    /// <summary>The same count with the linear-attention mixers held whole on every tensor-parallel rank (none where the model has none).</summary>
    public ParameterCount WithReplicatedLinearAttention(ModelSpec m) => m.LinearAttention is { } lin
        ? this with { ReplicatedPerLayer = LinearAttentionCost.ProjectionParams(m.Hidden, lin) * lin.Layers / m.Layers }
        : this;

    /// <summary>One layer's attention parameters on one GPU of a tensor-parallel group of <paramref name="tp"/>.</summary>
    public double AttentionPerGpu(int tp) => (AttentionPerLayer - ReplicatedPerLayer) / tp + ReplicatedPerLayer;

    /// <summary>All routed-expert parameters (sharded by expert parallelism).</summary>
    public double RoutedExperts => MoeLayers * RoutedExpertsPerMoeLayer;

    /// <summary>Everything but routed experts (sharded by tensor parallelism).</summary>
    public double NonExpert => Total - RoutedExperts;

    /// <summary>
    /// Parameters of the most loaded of <paramref name="pp"/> pipeline stages: ⌈layers / pp⌉ layers, as many of
    /// them MoE layers as the model has, and the larger edge (embedding, or LM head plus final norm; both when
    /// pp = 1). The single count behind training memory, gradient traffic, the optimizer step and serving weights.
    /// </summary>
    public StageParameters Stage(int pp) =>
        StageOf((DenseLayers + MoeLayers + pp - 1) / pp, pp == 1 ? Embedding + LmHead + FinalNorm : Math.Max(Embedding, LmHead + FinalNorm));

    /// <summary>Parameters of a stage of <paramref name="layers"/> layers (as many of them MoE layers as the model has) and the given edge parameters.</summary>
    public StageParameters StageOf(double layers, double edges) => StageOf(layers, Math.Min(layers, MoeLayers), edges);

    /// <summary>Parameters of a stage of <paramref name="layers"/> layers of which <paramref name="moe"/> are MoE layers.</summary>
    public StageParameters StageOf(double layers, double moe, double edges)
    {
        double shared = layers * (AttentionPerLayer - ReplicatedPerLayer) + (layers - moe) * DenseMlpPerLayer + moe * SharedExpertsPerMoeLayer;
        return new StageParameters(shared, moe * RoutedExpertsPerMoeLayer, edges, layers * ReplicatedPerLayer);
    }
}

/// <summary>Parameters one pipeline stage holds, by how they are sharded.</summary>
/// <param name="Layers">Attention, dense MLP and shared experts of the stage's layers (split by tensor parallelism).</param>
/// <param name="RoutedExperts">Routed experts of the stage's MoE layers (split by expert × expert-tensor parallelism).</param>
/// <param name="Edges">Embedding and/or LM head on the stage (split by tensor parallelism; kept in 16 bits when serving).</param>
/// <param name="Replicated">Layer parameters every GPU of the tensor-parallel group holds whole (<see cref="ParameterCount.ReplicatedPerLayer"/>).</param>
public readonly record struct StageParameters(double Layers, double RoutedExperts, double Edges, double Replicated = 0)
{
    /// <summary>Parameters on one GPU of the stage's tensor-parallel group, routed experts excluded.</summary>
    public double SharedPerGpu(int tp) => (Layers + Edges) / tp + Replicated;

    /// <summary>Layer parameters (not edges, not routed experts) on one GPU of the stage's tensor-parallel group.</summary>
    public double LayersPerGpu(int tp) => Layers / tp + Replicated;

    /// <summary>Routed-expert parameters on one GPU.</summary>
    public double RoutedPerGpu(int ep, int etp) => RoutedExperts / ((double)ep * etp);
}

/// <summary>Counts parameters from the architecture (biases ignored; norms included).</summary>
public static class ParameterCounter
{
    public static ParameterCount Count(ModelSpec m)
    {
        double d = m.Hidden;
        // Two RMS/LayerNorms per layer; linear-attention layers' projections averaged in by their share of the layers.
        double attention = (m.LinearAttention is { } lin
            ? (AttentionProjectionParams(m) * m.SoftmaxLayers + LinearAttentionCost.ProjectionParams(d, lin) * lin.Layers) / m.Layers
            : AttentionProjectionParams(m)) + 2 * d;
        double dense = MlpParams(d, m.Ffn, m.GatedMlp);
        double routedAll = 0, oneExpert = 0, shared = 0;
        int topK = 0;
        if (m.Moe is { } moe)
        {
            oneExpert = MlpParams(d, moe.ExpertFfn, m.GatedMlp);
            routedAll = moe.Experts * oneExpert;
            shared = moe.SharedExperts * MlpParams(d, moe.SharedExpertFfn, m.GatedMlp) + d * moe.Experts;
            topK = moe.TopK;
        }
        double embedding = (double)m.Vocab * d + (double)m.LearnedPositions * d;
        double head = m.TiedEmbeddings ? 0 : (double)m.Vocab * d;
        return new ParameterCount(embedding, head, attention, dense, routedAll, oneExpert, shared, d,
            m.DenseLayers, m.MoeLayers, topK);
    }

    /// <summary>Weights of one softmax-attention layer's Q, K, V and output projections (MLA: the low-rank chain and its norms; DSA: and its indexer).</summary>
    public static double AttentionProjectionParams(ModelSpec m)
    {
        double d = m.Hidden;
        if (m.SparseAttention is { } dsa)
            return SparseAttentionCost.Params(d, m.Mla is { QLoraRank: > 0 } q ? q.QLoraRank : m.Hidden, dsa) + AttentionProjectionParams(m with { SparseAttention = null });
        if (m.Mla is { } mla)
        {
            double h = m.Heads;
            double q = mla.QLoraRank > 0
                ? d * mla.QLoraRank + mla.QLoraRank + mla.QLoraRank * h * mla.QkHeadDim
                : d * h * mla.QkHeadDim;
            double kv = d * (mla.KvLoraRank + mla.QkRopeHeadDim) + mla.KvLoraRank
                        + mla.KvLoraRank * h * (mla.QkNopeHeadDim + mla.VHeadDim);
            double o = h * mla.VHeadDim * d;
            return q + kv + o;
        }
        double qDim = (double)m.Heads * m.HeadDim;
        double kvDim = (double)m.KvHeads * m.HeadDim;
        return d * qDim + 2 * d * kvDim + qDim * d;
    }

    public static double MlpParams(double hidden, double ffn, bool gated) => (gated ? 3 : 2) * hidden * ffn;
}
