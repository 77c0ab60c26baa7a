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
/// <param name="LayerStep">
/// Every this-many-th layer after them is an MoE layer, the others dense (Llama 4 Maverick's interleave_moe_layer_step 2,
/// Qwen's decoder_sparse_step): layer i (from 0) has experts when (i + 1) % step == 0.
/// </param>
public sealed record MoeSpec(int Experts, int TopK, int SharedExperts, int ExpertFfn, int SharedExpertFfn, int FirstDenseLayers, int LayerStep = 1)
{
    /// <summary>MoE layers among <paramref name="layers"/>: i in [FirstDenseLayers, layers) with (i + 1) % LayerStep == 0.</summary>
    public int MoeLayers(int layers) => layers / LayerStep - Math.Min(FirstDenseLayers, layers) / LayerStep;
}

/// <summary>
/// Linear-attention layers (Gated DeltaNet, as Qwen3-Next interleaves them with full attention): each value head keeps a
/// d_k × d_v state per sequence instead of a KV cache, so its cost grows linearly with the sequence.
/// </summary>
/// <param name="Layers">How many of the model's layers are linear-attention layers.</param>
/// <param name="KeyHeads">linear_num_key_heads (queries and keys).</param>
/// <param name="ValueHeads">linear_num_value_heads (each with its own state).</param>
/// <param name="KeyHeadDim">linear_key_head_dim.</param>
/// <param name="ValueHeadDim">linear_value_head_dim.</param>
/// <param name="ConvKernel">linear_conv_kernel_dim: the short causal convolution over q, k and v, whose last kernel − 1 inputs are kept too.</param>
/// <param name="RecurrentStateBytes">Bytes per element of the recurrent state as the checkpoint declares it
/// (<c>mamba_ssm_dtype</c>: 4 for float32, which Qwen3.5's checkpoints declare; 2, the model's 16-bit dtype, when it
/// declares none). The serving engines keep the state in that precision; the convolution's inputs stay in 16 bits.</param>
public sealed record LinearAttentionSpec(int Layers, int KeyHeads, int ValueHeads, int KeyHeadDim, int ValueHeadDim, int ConvKernel, int RecurrentStateBytes = 2)
{
    /// <summary>Channels the convolution runs over: q and k (key heads × d_k each) and v (value heads × d_v).</summary>
    public double ConvChannels => 2.0 * KeyHeads * KeyHeadDim + (double)ValueHeads * ValueHeadDim;

    /// <summary>Elements of one layer's recurrent state per sequence: h_v·d_k·d_v.</summary>
    public double RecurrentElements => (double)ValueHeads * KeyHeadDim * ValueHeadDim;

    /// <summary>Elements of one layer's state per sequence: the recurrent state plus the convolution's (kernel − 1) inputs.</summary>
    public double StateElements => RecurrentElements + ConvChannels * (ConvKernel - 1);

    /// <summary>
    /// Bytes of one layer's state per sequence: the recurrent state at <see cref="RecurrentStateBytes"/> and the
    /// convolution's inputs at <paramref name="convBytes"/> (the activations' width).
    /// </summary>
    public double StateBytes(double convBytes) => RecurrentElements * RecurrentStateBytes + ConvChannels * (ConvKernel - 1) * convBytes;
}

/// <summary>
/// DeepSeek Sparse Attention (DeepSeek-V3.2-Exp): a lightning indexer scores every earlier token with a few small FP8
/// heads, and the main attention reads only the <see cref="TopK"/> best-scored tokens.
/// </summary>
/// <param name="IndexHeads">index_n_heads.</param>
/// <param name="IndexHeadDim">index_head_dim: the width of the indexer's query heads and of its one cached key.</param>
/// <param name="TopK">index_topk: keys each query attends.</param>
public sealed record SparseAttentionSpec(int IndexHeads, int IndexHeadDim, int TopK);

/// <summary>
/// The architecture of a decoder-only transformer, as read from a HuggingFace <c>config.json</c>.
/// Dense GPT/Llama models, GQA (<see cref="KvHeads"/> &lt; <see cref="Heads"/>), MLA and MoE are covered, with the
/// layer structures real checkpoints mix in: sliding-window, chunked, linear and sparse attention, interleaved MoE
/// layers and multi-token-prediction modules.
/// </summary>
public sealed record ModelSpec
{
    public required string Name { get; init; }
    public required int Layers { get; init; }
    public required int Hidden { get; init; }
    public required int Heads { get; init; }
    public required int KvHeads { get; init; }
    /// <summary>KV heads one tensor-parallel rank holds: its share, or one replicated head where tp exceeds them.</summary>
    public int KvHeadsPerRank(int tp) => (KvHeads + tp - 1) / tp;
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
    /// <summary>Chunk width of chunked local attention (Llama 4's attention_chunk_size): a query sees only its own chunk's earlier keys; 0 = none.</summary>
    public int AttentionChunk { get; init; }
    /// <summary>Fraction of layers that use chunked attention (Llama 4: the three RoPE layers of every four).</summary>
    public double ChunkedLayerFraction { get; init; }
    /// <summary>Linear-attention layers, when the model interleaves them with softmax attention.</summary>
    public LinearAttentionSpec? LinearAttention { get; init; }
    /// <summary>DeepSeek Sparse Attention on every layer.</summary>
    public SparseAttentionSpec? SparseAttention { get; init; }
    /// <summary>Multi-token-prediction modules after the last layer (num_nextn_predict_layers): each one more layer.</summary>
    public int MtpLayers { get; init; }
    /// <summary>Per-head norms on queries and keys in every attention layer (Qwen3's q_norm and k_norm): two more tensors a layer.</summary>
    public bool QkNorm { get; init; }
    /// <summary>
    /// The checkpoint stores each MoE layer's routed experts as two stacked tensors rather than one per expert matrix
    /// (HuggingFace transformers' GptOssExperts and Llama4TextExperts: gate_up_proj and down_proj).
    /// </summary>
    public bool StackedExperts { get; init; }
    /// <summary>True when the model trains with hidden/attention dropout (GPT-2/3 style), which stores masks.</summary>
    public bool Dropout { get; init; }
    public MlaSpec? Mla { get; init; }
    public MoeSpec? Moe { get; init; }
    /// <summary>Where the architecture comes from (catalog source or the file it was read from).</summary>
    public string Source { get; init; } = "";

    public bool IsMoe => Moe is not null;
    public int MoeLayers => Moe is null ? 0 : Moe.MoeLayers(Layers);
    public int DenseLayers => Layers - MoeLayers;
    /// <summary>Most MoE layers <paramref name="consecutive"/> consecutive layers hold (a pipeline stage): every one after the dense prefix, or every step-th.</summary>
    public int MoeLayersIn(int consecutive) =>
        Moe is null ? 0 : Math.Min(Math.Min(consecutive, MoeLayers), (consecutive + Moe.LayerStep - 1) / Moe.LayerStep);
    /// <summary>
    /// True when the last layer has routed experts. A multi-token-prediction depth repeats the last layer's kind
    /// (Megatron-core builds its layer from "the spec for the last layer of decoder block").
    /// </summary>
    public bool LastLayerIsMoe => Moe is { } moe && Layers > moe.FirstDenseLayers && Layers % moe.LayerStep == 0;
    /// <summary>Of <paramref name="depths"/> multi-token-prediction layers, those with routed experts (<see cref="LastLayerIsMoe"/>).</summary>
    public int MtpMoeLayers(int depths) => LastLayerIsMoe ? depths : 0;
    /// <summary>Fraction of the layers that are linear attention (no KV cache).</summary>
    public double LinearLayerFraction => LinearAttention is null ? 0 : (double)LinearAttention.Layers / Layers;
    /// <summary>Layers with softmax attention, and so with a KV cache.</summary>
    public int SoftmaxLayers => Layers - (LinearAttention?.Layers ?? 0);
}
