using Augur.Catalog.Loading;
using Augur.CostModels.Analysis;
using Augur.Domain.Hardware;

namespace Augur.Tests.Analysis;

public class KvCacheTests
{
    [Fact]
    public void A_tensor_parallel_rank_holds_its_share_of_the_kv_heads_and_all_of_an_mla_latent()
    {
        var llama = CatalogStore.Default.Model("llama3.1-70b").Spec;
        // 8 KV heads × 128 dims × (K and V) × 2 bytes = 4,096 B per token per layer; tp 8 keeps one head (512 B), and tp 16
        // replicates that one head rather than splitting it.
        Assert.Equal(4096, KvCache.BytesPerTokenPerLayer(llama, Precision.BF16, 1).Value, 9);
        Assert.Equal(512, KvCache.BytesPerTokenPerLayer(llama, Precision.BF16, 8).Value, 9);
        Assert.Equal(512, KvCache.BytesPerTokenPerLayer(llama, Precision.BF16, 16).Value, 9);
        var dsv3 = CatalogStore.Default.Model("deepseek-v3").Spec;
        // MLA caches the 512-wide latent plus the 64-wide shared rotary key on every rank: 576 B per token per layer in FP8.
        Assert.Equal(576, KvCache.BytesPerTokenPerLayer(dsv3, Precision.FP8, 8).Value, 9);
    }
}
