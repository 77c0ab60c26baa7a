namespace Augur.Domain.Models;

/// <summary>Multi-head latent attention (DeepSeek-V2/V3): queries and keys/values go through low-rank projections.</summary>
/// <param name="QLoraRank">Rank of the query down-projection; 0 means queries are projected directly.</param>
/// <param name="KvLoraRank">Rank of the compressed KV latent (the part cached per token).</param>
/// <param name="QkNopeHeadDim">Per-head query/key width without rotary embedding.</param>
/// <param name="QkRopeHeadDim">Per-head rotary width (the rotary key is shared across heads and cached).</param>
/// <param name="VHeadDim">Per-head value width.</param>
public sealed record MlaSpec(int QLoraRank, int KvLoraRank, int QkNopeHeadDim, int QkRopeHeadDim, int VHeadDim)
{
    public int QkHeadDim => QkNopeHeadDim + QkRopeHeadDim;
}

/// <summary>Mixture-of-experts feed-forward blocks.</summary>
/// <param name="Experts">Routed experts per MoE layer.</param>
/// <param name="TopK">Routed experts each token visits.</param>
/// <param name="SharedExperts">Always-on shared experts per MoE layer.</param>
/// <param name="ExpertFfn">Intermediate width of one routed expert.</param>
/// <param name="SharedExpertFfn">Intermediate width of one shared expert.</param>
/// <param name="FirstDenseLayers">Leading layers that use a dense MLP instead of experts.</param>
public sealed record MoeSpec(int Experts, int TopK, int SharedExperts, int ExpertFfn, int SharedExpertFfn, int FirstDenseLayers);

/// <summary>
/// The architecture of a decoder-only transformer, as read from a HuggingFace <c>config.json</c>.
/// Dense GPT/Llama models, GQA (<see cref="KvHeads"/> &lt; <see cref="Heads"/>), MLA and MoE are covered.
/// </summary>
public sealed record ModelSpec
{
    public required string Name { get; init; }
    public required int Layers { get; init; }
    public required int Hidden { get; init; }
    public required int Heads { get; init; }
    public required int KvHeads { get; init; }
    public required int HeadDim { get; init; }
    /// <summary>Intermediate width of the dense MLP (dense layers of an MoE model use it too).</summary>
    public required int Ffn { get; init; }
    public required int Vocab { get; init; }
    /// <summary>True for SwiGLU/GeGLU (three matrices), false for a plain GELU MLP (two matrices).</summary>
    public required bool GatedMlp { get; init; }
    public bool TiedEmbeddings { get; init; }
    /// <summary>Rows of a learned absolute position table (GPT-2/3 style); 0 for rotary models.</summary>
    public int LearnedPositions { get; init; }
    /// <summary>Sliding-window width in tokens for windowed layers; 0 when every layer attends to the full context.</summary>
    public int SlidingWindow { get; init; }
    /// <summary>Fraction of layers that use the sliding window (gpt-oss alternates: 0.5).</summary>
    public double SlidingLayerFraction { get; init; }
    /// <summary>True when the model trains with hidden/attention dropout (GPT-2/3 style), which stores masks.</summary>
    public bool Dropout { get; init; }
    public MlaSpec? Mla { get; init; }
    public MoeSpec? Moe { get; init; }
    /// <summary>Where the architecture comes from (catalog source or the file it was read from).</summary>
    public string Source { get; init; } = "";

    public bool IsMoe => Moe is not null;
    public int MoeLayers => Moe is null ? 0 : Layers - Moe.FirstDenseLayers;
    public int DenseLayers => Layers - MoeLayers;
}
