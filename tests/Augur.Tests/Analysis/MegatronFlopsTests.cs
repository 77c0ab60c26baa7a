using Augur.Catalog.Loading;
using Augur.CostModels.Analysis;
using Augur.Domain.Models;

namespace Augur.Tests.Analysis;

/// <summary>
/// Augur's per-operator FLOP count against an independent transcription of Megatron-LM's
/// num_floating_point_operations (megatron/training/training.py: GQA term 12·L·d²·(1 + g/h + s/(2d))·(q/d),
/// MLA term with the lora ranks, MLP 12·d·F·(3/2 gated), logits 6·d·V; router not counted).
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
        double ours = 3 * f.MegatronForward;
        Assert.Equal(1.0, ours / Megatron(m, seq), 4);
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
}
