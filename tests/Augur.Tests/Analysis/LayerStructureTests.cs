using Augur.Catalog.Loading;
using Augur.CostModels.Analysis;
using Augur.Domain.Hardware;

namespace Augur.Tests.Analysis;

/// <summary>
/// Layer structures read from config.json: interleaved MoE layers (Llama 4), sliding-window and chunked attention,
/// linear-attention layers (Qwen3-Next's Gated DeltaNet) and DeepSeek Sparse Attention, in parameters, FLOPs and KV bytes.
/// </summary>
public class LayerStructureTests
{
    static Augur.Domain.Models.ModelSpec Model(string id) => CatalogStore.Default.Model(id).Spec;

    /// <summary>A user's Llama 4 config.json, its language model nested under text_config as Meta ships it.</summary>
    const string Llama4Json = """
        {"model_type": "llama4", "architectures": ["Llama4ForConditionalGeneration"],
         "text_config": {"model_type": "llama4_text", "hidden_size": 5120, "intermediate_size": 8192, "intermediate_size_mlp": 16384,
           "num_hidden_layers": 48, "num_attention_heads": 40, "num_key_value_heads": 8, "head_dim": 128, "num_local_experts": 128,
           "num_experts_per_tok": 1, "interleave_moe_layer_step": 2, "attention_chunk_size": 8192, "no_rope_layers": [],
           "vocab_size": 202048, "hidden_act": "silu", "tie_word_embeddings": false},
         "vision_config": {"model_type": "llama4_vision_model"}}
        """;

    [Fact]
    public void Llama_4_interleaves_moe_layers_with_wider_dense_ones()
    {
        string path = Path.Combine(Path.GetTempPath(), $"augur-llama4-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, Llama4Json);
        try
        {
            var m = ModelReader.FromFile(path);
            // interleave_moe_layer_step 2: layers 1, 3, ..., 47 have experts (24), the other 24 a 16384-wide MLP.
            Assert.Equal(24, m.MoeLayers);
            Assert.Equal(16384, m.Ffn);
            Assert.Equal(8192, m.Moe!.ExpertFfn);
            Assert.Equal(1, m.Moe.SharedExperts);
            // Chunked attention on the RoPE layers: all but every 4th, 36 of 48.
            Assert.Equal(8192, m.AttentionChunk);
            Assert.Equal(36, m.ChunkedLayerFraction * m.Layers, 9);
            // 24 × (128 + 1) × 3 · 5120 · 8192 experts + 24 × 3 · 5120 · 16384 dense + 48 attention layers
            // (2 · 5120 · 5120 + 2 · 5120 · 1024 + two norms) + 24 routers (5120 · 128) + 2 · 202,048 · 5120 + 5120.
            double expected = 24 * 129 * 3.0 * 5120 * 8192 + 24 * 3.0 * 5120 * 16384 + 48 * (2.0 * 5120 * 5120 + 2.0 * 5120 * 1024 + 2 * 5120)
                              + 24 * 5120.0 * 128 + 2.0 * 202048 * 5120 + 5120;
            Assert.Equal(expected, ParameterCounter.Count(m).Total, 1.0);
            Assert.InRange(expected / 1e9, 395, 405); // Meta: 400B (with the vision encoder)
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void Sliding_window_layers_hold_at_most_their_window()
    {
        // gpt-oss-120b at 8192 tokens of context: 18 full layers hold every token, 18 windowed layers 128 of them;
        // each layer 2 · 8 KV heads · 64 dims · 2 bytes = 2048 B per token: (18 + 18 · 128/8192) · 2048 = 37,440 B.
        var m = Model("gpt-oss-120b");
        Assert.Equal(37_440, KvCache.BytesPerTokenAtContext(m, Precision.BF16, 8192).Value, 1e-9);
        Assert.Equal(36 * 2048, KvCache.BytesPerTokenAtContext(m, Precision.BF16, 128).Value, 1e-9);
        // A decoding token reads half the layers in full and the other half 128 keys: (0.5 · 8192 + 0.5 · 128)/8192.
        Assert.Equal(0.5078125, AttentionSpan.DecodeReadShare(m, 8192), 12);
    }

    [Fact]
    public void Chunked_layers_hold_at_most_one_chunk_and_attend_half_of_one()
    {
        // Llama 4 Scout at 32,768 tokens: 12 global layers hold every token, 36 chunked layers 8192 of them:
        // (12 + 36 · 8192/32768) · 2 · 8 · 128 · 2 B = 86,016 B per token.
        var m = Model("llama4-scout");
        Assert.Equal(86_016, KvCache.BytesPerTokenAtContext(m, Precision.BF16, 32768).Value, 1e-9);
        // A causal sequence of 4 whole chunks: each query attends half its chunk, 8192²·4/(2·32768) = 4096 keys.
        Assert.Equal(4096, AttentionSpan.Causal(m, 32768).Chunk, 9);
        Assert.Equal(16384, AttentionSpan.Causal(m, 32768).Full, 9);
    }

    [Fact]
    public void Linear_attention_layers_add_no_kv_but_a_fixed_state()
    {
        // Qwen3-Next-80B-A3B: only its 12 full-attention layers cache K and V: 12 · 2 · 2 KV heads · 256 · 2 B = 24,576 B;
        // its 36 Gated DeltaNet layers keep 32 · 128 · 128 state values plus the convolution's 3 · (2 · 16 · 128 + 32 · 128).
        var m = Model("qwen3-next-80b-a3b");
        Assert.Equal(36, m.LinearAttention!.Layers);
        Assert.Equal(24_576, KvCache.BytesPerToken(m, Precision.BF16).Value, 1e-9);
        Assert.Equal(32 * 128 * 128 + 3 * (2 * 16 * 128 + 32 * 128), m.LinearAttention.StateElements, 1e-9);
        // Serving one GPU: 36 layers × 548,864 values × 2 B = 39,518,208 B per sequence, whatever its length.
        var s = Scenarios.Serving("workload: inference\nmodel: qwen3-next-80b-a3b\nhardware: h200\ncluster: {gpus: 1}\nprecision: bf16\nparallelism: {tp: 1}\n"
            + "inference: {input_tokens: 1000, output_tokens: 100, concurrency: 8}\n");
        Assert.Equal(39_518_208, s.Model.StateBytesPerSequencePerGpu(s.Layout).Value, 1e-6);
    }

    [Fact]
    public void A_float32_recurrent_state_is_the_slot_sglang_documents()
    {
        // SGLang's Qwen3.8-27B page (the Qwen3.5-27B config) gives one GDN state slot as 146.81 MiB at fp32 and 74.81 MiB
        // at bf16: 48 layers × (48 · 128 · 128 values × 4 B + 3 · (2 · 16 · 128 + 48 · 128) convolution inputs × 2 B).
        var m = Model("qwen3.5-27b");
        var lin = m.LinearAttention!;
        Assert.Equal(4, lin.RecurrentStateBytes);
        Assert.Equal(146.8125, lin.Layers * lin.StateBytes(2) / (1 << 20), 9);
        Assert.Equal(74.8125, lin.Layers * (lin with { RecurrentStateBytes = 2 }).StateBytes(2) / (1 << 20), 9);
        // Served on one GPU at tp 2 the slot halves, heads split over the two.
        var s = Scenarios.Serving("workload: inference\nmodel: qwen3.5-27b\nhardware: h200\ncluster: {gpus: 2}\nprecision: bf16\nparallelism: {tp: 2}\n"
            + "inference: {input_tokens: 1000, output_tokens: 100, concurrency: 8}\n");
        Assert.Equal(146.8125 * (1 << 20) / 2, s.Model.StateBytesPerSequencePerGpu(s.Layout).Value, 1e-6);
    }

    [Fact]
    public void Linear_attention_flops_grow_linearly_with_the_context()
    {
        // Decode core FLOPs per token: 36 linear layers × 6 · 32 · 128 · 128 (S·k, the rank-one update, S·q) plus the 12
        // full layers' 2 · 16 heads · (256 + 256) per attended key.
        var m = Model("qwen3-next-80b-a3b");
        foreach (double c in new[] { 1000.0, 100_000.0 })
            Assert.Equal(36 * 6.0 * 32 * 128 * 128 + 12 * 2.0 * 16 * 512 * c, FlopCounter.ForDecode(m, c).AttentionCore, 1e-6);
    }

    [Fact]
    public void Sparse_attention_attends_the_top_k_and_indexes_every_token()
    {
        // DeepSeek-V3.2-Exp training at 32,768 tokens, per token: MLA over 2048 − 2048²/(2 · 32768) = 1984 selected keys at
        // 2 · 128 heads · (192 + 128) each, plus the indexer's 2 · 64 · 128 per earlier token over all 16,384; 61 layers.
        var v32 = Model("deepseek-v3.2-exp");
        Assert.Equal(26_288_848_896.0, FlopCounter.ForSequence(v32, 32768).AttentionCore, 1.0);
        Assert.Equal(61 * 2.0 * 128 * 320 * 16384, FlopCounter.ForSequence(Model("deepseek-v3"), 32768).AttentionCore, 1.0);
        // Its cache adds each layer's FP8 index key and fp32 scale: 61 · (576 · 2 + 128 + 4) B per token.
        Assert.Equal(61 * (576 * 2 + 132), KvCache.BytesPerToken(v32, Precision.BF16).Value, 1e-9);
    }

    [Fact]
    public void Catalog_show_displays_the_structures_of_a_users_config()
    {
        string path = Path.Combine(Path.GetTempPath(), $"augur-llama4-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, Llama4Json);
        try
        {
            var (code, json, _) = Augur.Tests.Cli.CliTests.Run("catalog", "show", path, "--json");
            Assert.Equal(0, code);
            var root = System.Text.Json.JsonDocument.Parse(json).RootElement;
            Assert.Equal(2, root.GetProperty("moe").GetProperty("layer_step").GetInt32());
            Assert.Equal(24, root.GetProperty("moe").GetProperty("moe_layers").GetInt32());
            Assert.Equal(8192, root.GetProperty("chunked_attention").GetProperty("chunk").GetInt32());
        }
        finally { File.Delete(path); }
    }
}
