using Augur.CostModels.Validation;
using Augur.Domain.Models;
using Xunit;

namespace Augur.Tests.Validation;

/// <summary>
/// Megatron-LM's FLOP count (num_floating_point_operations, megatron/training/training.py @ e5ad09802d), worked by hand
/// for the two attention kinds it distinguishes. Each expected value is the formula's terms written out below.
/// </summary>
public class MegatronFlopsTests
{
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
}
