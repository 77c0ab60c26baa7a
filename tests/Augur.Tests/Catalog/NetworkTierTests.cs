using Augur.Domain;
using Augur.Domain.Hardware;
using Augur.Units;

namespace Augur.Tests.Catalog;

/// <summary>A system's network as a list of tiers, innermost first: the seam for sites joined by a WAN.</summary>
public class NetworkTierTests
{
    [Fact]
    public void A_catalog_system_has_scale_up_then_scale_out_and_a_cluster_sizes_the_site()
    {
        var s = Augur.Catalog.Loading.CatalogStore.Default.System("gb200-nvl72");
        Assert.Equal([TierKind.ScaleUp, TierKind.ScaleOut], s.Tiers.Select(t => t.Kind));
        var c = Cluster.From(s, Augur.Catalog.Loading.CatalogStore.Default.Accelerator(s.AcceleratorId), 576);
        Assert.Equal(72, c.ScaleUpDomain);
        Assert.Equal(576, c.ScaleOut.Domain); // one site holds the whole job
    }

    [Fact]
    public void A_wide_area_tier_between_sites_carries_its_own_latency()
    {
        var tiers = Cluster.TwoTiers(8, Bandwidth.FromGBps(450), Bandwidth.FromGbitps(400), 16384)
            .With(new NetworkTierSpec(TierKind.ScaleAcross, "WAN", 32768, Bandwidth.FromGbitps(10), Seconds.FromMilliseconds(20)));
        Assert.Equal([TierKind.ScaleUp, TierKind.ScaleOut, TierKind.ScaleAcross], tiers.Select(t => t.Kind));
        Assert.Equal(0.02, tiers.Of(TierKind.ScaleAcross).Latency!.Value.Value, 12);
    }

    [Fact]
    public void Tiers_out_of_order_or_narrower_than_the_tier_inside_are_refused()
    {
        var up = new NetworkTierSpec(TierKind.ScaleUp, "nvlink", 72, Bandwidth.FromGBps(900));
        var outNarrow = new NetworkTierSpec(TierKind.ScaleOut, "ib", 8, Bandwidth.FromGbitps(400));
        Assert.Throws<InputException>(() => NetworkTiers.Checked([up, outNarrow]));
        Assert.Throws<InputException>(() => NetworkTiers.Checked([outNarrow with { Domain = 100 }, up]));
        Assert.Throws<InputException>(() => NetworkTiers.Checked([]));
    }
}
