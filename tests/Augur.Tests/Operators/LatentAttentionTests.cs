using Augur.Catalog.Loading;
using Augur.CostModels.Compute;
using Augur.CostModels.Operators;
using Augur.Domain.Hardware;
using Augur.Domain.Workloads;
using Augur.Units;

namespace Augur.Tests.Operators;

public class LatentAttentionTests
{
    static readonly CatalogStore Store = CatalogStore.Default;

    static LayerShape Decode(double share) =>
        new()
        {
            Tokens = 1, FullContext = 4096, WindowContext = 4096, Tp = 1, ExpertTokenVisits = 8, ExpertsTouched = 8, Etp = 1,
            Kernel = AttentionKernel.Flash, KvBytesPerLayer = new Bytes(4096 * 1152), LatentAttentionShare = share,
        };

    [Fact]
    public void Absorbed_mla_decode_scores_against_the_576_wide_latent_and_sums_in_512()
    {
        // DeepSeek-V3: 128 heads. Expanded form per (query, key) pair: 2·128·(192 + 128) FLOPs; absorbed form
        // (FlashMLA deep-dive: 2·h_q·s_q·s_k·(d_k + d_v), d_k = 576, d_v = 512): 2·128·1088. For one decode token at
        // context 4096 the difference is 2·128·(1088 − 320)·4096 = 805,306,368 FLOPs per layer.
        var m = Store.Model("deepseek-v3").Spec;
        var acc = Store.Accelerator("h800");
        var rates = new DeviceRates(acc, Store.Calibration(acc), Precision.FP8, Precision.BF16);
        var cost = new LayerCost(m, 2.0, 1.0);
        double expanded = cost.Moe(rates, Decode(0)).HardwareFlops.Value;
        double absorbed = cost.Moe(rates, Decode(1)).HardwareFlops.Value;
        Assert.Equal(805_306_368, absorbed - expanded, 1e-3);
    }

    [Fact]
    public void Latent_share_is_ignored_for_models_without_mla()
    {
        var m = Store.Model("llama3.1-8b").Spec;
        var acc = Store.Accelerator("h100-sxm");
        var rates = new DeviceRates(acc, Store.Calibration(acc), Precision.BF16);
        var cost = new LayerCost(m, 2.0, 2.0);
        Assert.Equal(cost.Dense(rates, Decode(0)).HardwareFlops, cost.Dense(rates, Decode(1)).HardwareFlops);
    }
}
