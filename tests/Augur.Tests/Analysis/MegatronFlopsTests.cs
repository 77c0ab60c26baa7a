using Augur.Catalog.Loading;
using Augur.CostModels.Analysis;
using Augur.Domain.Models;

namespace Augur.Tests.Analysis;

/// <summary>
/// Augur's per-operator FLOP count against an independent transcription of Megatron-LM's
/// num_floating_point_operations (megatron/training/training.py: GQA term 12·L·d²·(1 + g/h + s/(2d))·(q/d),
/// MLA term with the lora ranks, MLP 12·d·F·(3/2 gated), logits 6·d·V; router not counted), and the validation
/// convention that converts Megatron's printed TFLOP/s (<see cref="MegatronFlops"/>, @ e5ad09802d) worked by hand for
/// each attention kind it distinguishes.
/// </summary>
public class MegatronFlopsTests
{
    static double Megatron(ModelSpec m, double s)
    {
        double d = m.Hidden, L = m.Layers, h = m.Heads;
        double attn;
        if (m.Mla is { } a)
        {
            double qTerm = a.QLoraRank > 0 ? a.QLoraRank * (d + h * (a.QkNopeHeadDim + a.QkRopeHeadDim) + 1) : d * h * (a.QkNopeHeadDim + a.QkRopeHeadDim);
            attn = 6 * L * (qTerm + a.KvLoraRank * (d + h * (a.QkNopeHeadDim + a.VHeadDim) + 1) + d * a.QkRopeHeadDim
                            + h * a.VHeadDim * d + s * h * (a.QkNopeHeadDim + a.QkRopeHeadDim) * 0.5 + s * h * a.VHeadDim * 0.5);
        }
        else
        {
            double q = (double)m.HeadDim * m.Heads;
            attn = 12 * L * d * d * (1 + (double)m.KvHeads / m.Heads + s / d * 0.5) * (q / d);
        }
        double gated = m.GatedMlp ? 1.5 : 1.0;
        double moeLayers = m.MoeLayers, denseLayers = m.DenseLayers;
        double mlp = 12 * L * d * (m.Ffn * gated * denseLayers / L
            + (m.Moe is { } moe ? moe.ExpertFfn * moe.TopK * gated * moeLayers / L + moe.SharedExpertFfn * moe.SharedExperts * gated * moeLayers / L : 0));
        return mlp + attn + 6 * d * m.Vocab;
    }

    [Theory]
    [InlineData("llama3.1-405b", 8192)]
    [InlineData("llama3.1-8b", 4096)]
    [InlineData("deepseek-v3", 4096)]
    [InlineData("mixtral-8x7b", 4096)]
    [InlineData("qwen3-235b-a22b", 4096)]
    public void Training_flops_per_token_equal_megatron(string id, double seq)
    {
        var m = CatalogStore.Default.Model(id).Spec;
        var f = FlopCounter.ForSequence(m, seq);
        // Augur's own count less the router, which Megatron leaves out, is Megatron's for models without windows.
        Assert.Equal(1.0, 3 * (f.Forward - f.Router) / Megatron(m, seq), 4);
        Assert.Equal(1.0, MegatronFlops.PerToken(m, (int)seq, 0) / Megatron(m, seq), 6);
    }

    [Fact]
    public void Router_is_counted_separately()
    {
        var m = CatalogStore.Default.Model("deepseek-v3").Spec;
        var f = FlopCounter.ForSequence(m, 4096);
        Assert.Equal(2.0 * 7168 * 256 * 58, f.Router);
    }

    [Fact]
    public void Causal_attention_is_half_the_full_square()
    {
        var m = CatalogStore.Default.Model("llama3.1-8b").Spec;
        var f = FlopCounter.ForSequence(m, 8192);
        // 4·s·h·d_h per token per layer for the full s×s product, halved by the causal mask.
        Assert.Equal(4.0 * 8192 * 32 * 128 / 2 * 32, f.AttentionCore);
    }

    /// <summary>
    /// Qwen3-30B-A3B's shape at 4,096 tokens: 48 MoE layers, hidden 2,048, 32 heads and 4 KV heads of 128, 8 of 128
    /// experts of 768 (SwiGLU: 3 matrices), vocabulary 151,936.
    /// 6·[2048·(768·8·3·48) + (2048·(4096 + 2·512) + 4096·2048)·48 + 2048·151936]
    ///   = 6·(1,811,939,328 + 905,969,664 + 311,164,928) = 18,174,443,520;
    /// causal core 4096·6·4096·48 = 4,831,838,208; together 23,006,281,728 FLOPs per token.
    /// </summary>
    [Fact]
    public void GroupedQueryMoe()
    {
        var m = new ModelSpec
        {
            Name = "qwen3-30b-a3b shape", Layers = 48, Hidden = 2048, Heads = 32, KvHeads = 4, HeadDim = 128, Ffn = 6144, Vocab = 151936,
            GatedMlp = true, Moe = new MoeSpec(Experts: 128, TopK: 8, SharedExperts: 0, ExpertFfn: 768, SharedExpertFfn: 0, FirstDenseLayers: 0),
        };
        Assert.Equal(23_006_281_728, MegatronFlops.PerToken(m, 4096, 0), 1.0);
    }

    /// <summary>
    /// DeepSeek-V3's shape with one MTP depth at 4,096 tokens: 61 layers (3 dense of 18,432), hidden 7,168, 128 heads,
    /// MLA with q rank 1,536, kv rank 512, 128 + 64 query/key and 128 value dimensions, 8 of 256 experts of 2,048 and
    /// one shared expert of 2,048, vocabulary 129,280. The MTP depth is one more MoE layer (the last layer is MoE).
    /// MLP weights per hidden unit: 18432·3·3 + (2048·8 + 2048)·3·59 = 3,428,352.
    /// MLA: q 1536·(7168 + 128·192 + 1) = 48,760,320; kv 512·(7168 + 128·256 + 1) + 7168·64 = 20,906,496;
    /// o 128·128·7168 = 117,440,512; 187,107,328 per layer over 62 layers.
    /// Token-linear 6·(7168·3,428,352 + 187,107,328·62 + (3·7168 + 2·7168²) + 7168·129280·2) = 228,787,329,024;
    /// core 4096·6·(128·192/2 + 128·128/2)·62 = 4096·122,880·62 = 31,205,621,760; together 259,992,950,784.
    /// </summary>
    [Fact]
    public void LatentAttentionWithMtp()
    {
        var m = new ModelSpec
        {
            Name = "deepseek-v3 shape", Layers = 61, Hidden = 7168, Heads = 128, KvHeads = 128, HeadDim = 192, Ffn = 18432, Vocab = 129280,
            GatedMlp = true, Mla = new MlaSpec(QLoraRank: 1536, KvLoraRank: 512, QkNopeHeadDim: 128, QkRopeHeadDim: 64, VHeadDim: 128),
            Moe = new MoeSpec(Experts: 256, TopK: 8, SharedExperts: 1, ExpertFfn: 2048, SharedExpertFfn: 2048, FirstDenseLayers: 3),
        };
        Assert.Equal(259_992_950_784, MegatronFlops.PerToken(m, 4096, 1), 1.0);
    }

    /// <summary>
    /// A hybrid shape at 100 tokens: 4 layers, 3 of them Gated DeltaNet (16 key heads, 32 value heads of 128, kernel 4),
    /// hidden 1,024, 8 heads and 2 KV heads of 128 in the softmax layer, a gated MLP of 2,048, vocabulary 1,000.
    /// MLP 1024·2048·3·4 = 25,165,824; attention projections 1024·(1024 + 2·256) + 1024·1024 = 2,621,440;
    /// DeltaNet per layer 1024·(2·2048 + 2·4096 + 2·32) + 4·(2·2048 + 4096) + 32·128²·4 + 1024·4096 = 18,972,672, three
    /// layers 56,918,016; logits 1,024,000. Token-linear 6·85,729,280 = 514,375,680; core 100·6·1024 = 614,400;
    /// together 514,990,080 FLOPs per token.
    /// </summary>
    [Fact]
    public void GatedDeltaNetLayers()
    {
        var m = new ModelSpec
        {
            Name = "hybrid shape", Layers = 4, Hidden = 1024, Heads = 8, KvHeads = 2, HeadDim = 128, Ffn = 2048, Vocab = 1000, GatedMlp = true,
            LinearAttention = new LinearAttentionSpec(Layers: 3, KeyHeads: 16, ValueHeads: 32, KeyHeadDim: 128, ValueHeadDim: 128, ConvKernel: 4),
        };
        Assert.Equal(514_990_080, MegatronFlops.PerToken(m, 100, 0), 1.0);
    }
}
