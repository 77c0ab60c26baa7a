using Augur.Catalog.Files;
using Augur.Domain;
using Augur.Domain.Models;

namespace Augur.Catalog.Loading;

/// <summary>
/// Turns a HuggingFace <c>config.json</c> (as a mapping) into a <see cref="ModelSpec"/>. Covers the Llama,
/// Mistral/Mixtral, Qwen2/3 (MoE), DeepSeek-V2/V3 and Kimi (MLA + MoE), gpt-oss and GPT-2 field names.
/// </summary>
public static class HfConfigReader
{
    static readonly string[] NonGatedTypes = ["gpt2", "gpt_bigcode", "gpt_neox", "opt", "bloom", "falcon", "phi"];

    public static ModelSpec Read(MappingNode c, string name, string source)
    {
        // A multimodal checkpoint (Llama 4, Qwen-VL) nests its language model under text_config; that is what Augur costs.
        if (!c.Has("hidden_size") && c.OptionalMapping("text_config") is { } text) c = text;
        string type = c.OptionalString("model_type") ?? "";
        bool gpt2 = type == "gpt2" || c.Has("n_embd");
        int hidden = Width(c, gpt2 ? "n_embd" : "hidden_size");
        int layers = Count(c, gpt2 ? "n_layer" : "num_hidden_layers");
        int heads = Count(c, gpt2 ? "n_head" : "num_attention_heads");
        int kvHeads = c.OptionalInteger("num_key_value_heads", 0, InputLimits.MaxModelCount, CountReason) ?? heads;
        int headDim = c.OptionalInteger("head_dim", 0, InputLimits.MaxModelWidth, WidthReason) ?? hidden / heads;
        int ffn = gpt2 ? c.OptionalInteger("n_inner", 0, InputLimits.MaxModelWidth, WidthReason) ?? 4 * hidden : Width(c, "intermediate_size");
        // Llama 4 names its dense layers' width intermediate_size_mlp and its experts' intermediate_size.
        int expertDefault = ffn;
        if (c.OptionalInteger("intermediate_size_mlp", 1, InputLimits.MaxModelWidth, WidthReason) is { } mlp) ffn = mlp;
        int vocab = Positive(c, "vocab_size");
        c.OptionalInteger("vocab_size", 1, InputLimits.MaxVocab, "a hundred times the largest shipped tokenizers");
        if (kvHeads <= 0 || headDim <= 0 || ffn <= 0)
            throw new InputException($"{c.Path}: num_key_value_heads, head_dim and intermediate_size must be positive");
        if (heads % kvHeads != 0)
            throw new InputException($"{c.Path}: num_attention_heads {heads} is not a multiple of num_key_value_heads {kvHeads}");
        string act = (c.OptionalString("hidden_act") ?? c.OptionalString("activation_function") ?? "").ToLowerInvariant();
        bool gated = !(gpt2 || Array.IndexOf(NonGatedTypes, type) >= 0) || act is "silu" or "swiglu";
        bool tied = c.OptionalBool("tie_word_embeddings") ?? gpt2;
        double dropout = Math.Max(c.OptionalNumber("resid_pdrop") ?? 0, Math.Max(c.OptionalNumber("hidden_dropout") ?? 0, c.OptionalNumber("attention_dropout") ?? 0));

        return new ModelSpec
        {
            Name = name,
            Layers = layers,
            Hidden = hidden,
            Heads = heads,
            KvHeads = kvHeads,
            HeadDim = headDim,
            Ffn = ffn,
            Vocab = vocab,
            GatedMlp = gated,
            TiedEmbeddings = tied,
            LearnedPositions = gpt2 ? c.OptionalInteger("n_positions", 0, InputLimits.MaxSequenceTokens, "far beyond any context window") ?? 1024 : 0,
            Dropout = dropout > 0,
            Mla = ReadMla(c),
            Moe = ReadMoe(c, type, expertDefault, layers),
            SlidingWindow = SlidingWindow(c, type, layers, out double fraction),
            SlidingLayerFraction = fraction,
            AttentionChunk = AttentionChunk(c, type, layers, out double chunked),
            ChunkedLayerFraction = chunked,
            LinearAttention = ReadLinearAttention(c, type, layers),
            SparseAttention = ReadSparseAttention(c),
            MtpLayers = c.OptionalInteger("num_nextn_predict_layers", 0, 64, "DeepSeek-V3 has one") ?? 0,
            QkNorm = type is "qwen3" or "qwen3_moe",
            StackedExperts = type is "gpt_oss" or "llama4_text",
            Source = source,
        };
    }

    const string CountReason = "over a hundred times any published model";
    const string WidthReason = "over a hundred times any published model's width";

    /// <summary>Layers, heads, experts: positive and at most <see cref="InputLimits.MaxModelCount"/>.</summary>
    static int Count(MappingNode c, string key)
    {
        int v = Positive(c, key);
        c.OptionalInteger(key, 1, InputLimits.MaxModelCount, CountReason);
        return v;
    }

    /// <summary>Hidden sizes, FFN widths, ranks: positive and at most <see cref="InputLimits.MaxModelWidth"/>.</summary>
    static int Width(MappingNode c, string key)
    {
        int v = Positive(c, key);
        c.OptionalInteger(key, 1, InputLimits.MaxModelWidth, WidthReason);
        return v;
    }

    static int Positive(MappingNode c, string key)
    {
        int v = c.OptionalInteger(key) ?? throw new InputException($"{c.Path}: missing '{key}' (expected a HuggingFace config.json field)");
        if (v <= 0) throw new InputException($"{c.Path}.{key}: must be a positive whole number, got {v}");
        return v;
    }

    static MlaSpec? ReadMla(MappingNode c)
    {
        if (!c.Has("kv_lora_rank")) return null;
        return new MlaSpec(
            c.OptionalInteger("q_lora_rank", 0, InputLimits.MaxModelWidth, WidthReason) ?? 0,
            Width(c, "kv_lora_rank"),
            Width(c, "qk_nope_head_dim"),
            Width(c, "qk_rope_head_dim"),
            Width(c, "v_head_dim"));
    }

    static MoeSpec? ReadMoe(MappingNode c, string type, int ffn, int layers)
    {
        int experts = c.OptionalInteger("n_routed_experts", 0, InputLimits.MaxModelCount, CountReason)
                      ?? c.OptionalInteger("num_local_experts", 0, InputLimits.MaxModelCount, CountReason)
                      ?? c.OptionalInteger("num_experts", 0, InputLimits.MaxModelCount, CountReason) ?? 0;
        if (experts <= 1) return null;
        int topK = c.OptionalInteger("num_experts_per_tok") ?? c.OptionalInteger("experts_per_token")
                   ?? throw new InputException($"{c.Path}: MoE config without 'num_experts_per_tok'");
        if (topK < 1 || topK > experts)
            throw new InputException($"{c.Path}.num_experts_per_tok: {topK} must be between 1 and the {experts} experts");
        int expertFfn = c.OptionalInteger("moe_intermediate_size", 1, InputLimits.MaxModelWidth, WidthReason) ?? ffn;
        int shared = c.OptionalInteger("n_shared_experts", 0, InputLimits.MaxModelCount, CountReason) ?? 0;
        int sharedFfn = expertFfn;
        if (c.OptionalInteger("shared_expert_intermediate_size", 0, InputLimits.MaxModelWidth, WidthReason) is { } s && s > 0) { shared = Math.Max(shared, 1); sharedFfn = s; }
        // Llama 4's MoE block always adds one shared expert as wide as a routed one (transformers Llama4TextMoe.shared_expert).
        if (type.StartsWith("llama4", StringComparison.Ordinal)) shared = Math.Max(shared, 1);
        int firstDense = Math.Clamp(c.OptionalInteger("first_k_dense_replace") ?? 0, 0, layers);
        int step = c.OptionalInteger("interleave_moe_layer_step", 1, layers, "at most one MoE layer in the model")
                   ?? c.OptionalInteger("decoder_sparse_step", 1, layers, "at most one MoE layer in the model") ?? 1;
        return new MoeSpec(experts, topK, shared, expertFfn, sharedFfn, firstDense, step);
    }

    /// <summary>layer_types entries of one kind, or null when the config lists none.</summary>
    static int? LayersOfType(MappingNode c, string kind) =>
        c.Get("layer_types") is SequenceNode types ? types.Items.Count(n => n is ScalarNode { Text: var t } && t == kind) : null;

    /// <summary>
    /// Chunked local attention: attention_chunk_size on the layer_types marked chunked_attention, or (Llama 4 configs that
    /// list none) on the RoPE layers: no_rope_layers' ones, else every layer but each no_rope_layer_interval-th (4).
    /// </summary>
    static int AttentionChunk(MappingNode c, string type, int layers, out double fraction)
    {
        fraction = 0;
        int chunk = c.OptionalInteger("attention_chunk_size", 0, InputLimits.MaxSequenceTokens, "far beyond any context window") ?? 0;
        if (chunk <= 0) return 0;
        int chunked;
        if (LayersOfType(c, "chunked_attention") is { } listed) chunked = listed;
        else if (!type.StartsWith("llama4", StringComparison.Ordinal)) return 0;
        else if (c.Get("no_rope_layers") is SequenceNode rope && rope.Items.Count > 0) chunked = rope.Items.Count(n => n is ScalarNode { Text: "1" });
        else chunked = layers - layers / (c.OptionalInteger("no_rope_layer_interval", 1, layers, "at most the layer count") ?? 4);
        fraction = (double)chunked / layers;
        return chunked > 0 ? chunk : 0;
    }

    /// <summary>
    /// Linear-attention (Gated DeltaNet) layers: the layer_types marked linear_attention, or (Qwen3-Next configs that list
    /// none) every layer but each full_attention_interval-th (Qwen3.5's text configs default the same way).
    /// </summary>
    static LinearAttentionSpec? ReadLinearAttention(MappingNode c, string type, int layers)
    {
        int linear = LayersOfType(c, "linear_attention")
                     ?? (type is "qwen3_next" or "qwen3_5_text" or "qwen3_5_moe_text" ? layers - layers / (c.OptionalInteger("full_attention_interval", 1, layers, "at most the layer count") ?? 4) : 0);
        if (linear <= 0) return null;
        if (linear >= layers) throw new InputException($"{c.Path}.layer_types: every layer is linear attention; Augur costs hybrids that keep some full-attention layers");
        return new LinearAttentionSpec(linear, Count(c, "linear_num_key_heads"), Count(c, "linear_num_value_heads"),
            Width(c, "linear_key_head_dim"), Width(c, "linear_value_head_dim"), Count(c, "linear_conv_kernel_dim"), StateBytes(c));
    }

    /// <summary>
    /// mamba_ssm_dtype: the precision the checkpoint keeps its recurrent state in, which vLLM and SGLang adopt when left
    /// at their defaults; without it, the model's 16 bits.
    /// </summary>
    static int StateBytes(MappingNode c) => c.OptionalString("mamba_ssm_dtype") switch
    {
        null or "bfloat16" or "float16" or "auto" => 2,
        "float32" => 4,
        var other => throw new InputException($"{c.Path}.mamba_ssm_dtype: '{other}' is not a state precision Augur knows; use float32, bfloat16 or float16"),
    };

    /// <summary>DeepSeek Sparse Attention: index_topk with the indexer's index_n_heads and index_head_dim.</summary>
    static SparseAttentionSpec? ReadSparseAttention(MappingNode c) =>
        c.Has("index_topk") ? new SparseAttentionSpec(Count(c, "index_n_heads"), Width(c, "index_head_dim"), Positive(c, "index_topk")) : null;

    static int SlidingWindow(MappingNode c, string type, int layers, out double fraction)
    {
        fraction = 0;
        int window = c.OptionalInteger("sliding_window", 0, InputLimits.MaxSequenceTokens, "far beyond any context window") ?? 0;
        if (window <= 0) return 0;
        if (c.Get("layer_types") is SequenceNode types)
        {
            int sliding = types.Items.Count(n => n is ScalarNode { Text: "sliding_attention" });
            fraction = (double)sliding / Math.Max(1, types.Items.Count);
            return sliding > 0 ? window : 0;
        }
        if (c.OptionalBool("use_sliding_window") == false) return 0;
        if (type == "mistral") { fraction = 1.0; return window; }
        return 0;
    }
}
