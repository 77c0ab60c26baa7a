using Augur.CostModels.Communication;
using Augur.CostModels.Compute;
using Augur.Domain.Hardware;
using Augur.Units;

namespace Augur.Tests.Training;

public class CollectiveTests
{
    static Fabric Fabric(int domain, double upGBps, double outGBps, bool nvls = false)
    {
        var cal = TestCalibration.Any with
        {
            ScaleUp = new TierCalibration(1.0, Seconds.FromMicroseconds(5)),
            ScaleOut = new TierCalibration(1.0, Seconds.FromMicroseconds(10)),
            InNetworkReductionGain = 1.3,
        };
        var acc = Augur.Catalog.Loading.CatalogStore.Default.Accelerator("h100-sxm");
        var c = new Cluster { Accelerator = acc, Gpus = 64, Tiers = Cluster.TwoTiers(domain, Bandwidth.FromGBps(upGBps), Bandwidth.FromGBps(outGBps), 64, nvls) };
        return new Fabric(c, cal);
    }

    [Fact]
    public void Ring_all_reduce_inside_a_domain()
    {
        var f = Fabric(8, 100, 50);
        double n = 1e9;
        // 2(p-1)α + 2(p-1)/p · n/β with p = 8, β = 100 GB/s, α = 5 µs.
        Assert.Equal(14 * 5e-6 + 2.0 * 7 / 8 * n / 100e9, Collectives.AllReduce(f, n, 8, 1), 9);
    }

    [Fact]
    public void In_network_reduction_speeds_up_all_reduce_only()
    {
        var plain = Fabric(8, 100, 50);
        var nvls = Fabric(8, 100, 50, nvls: true);
        Assert.True(Collectives.AllReduce(nvls, 1e9, 8, 1) < Collectives.AllReduce(plain, 1e9, 8, 1));
        Assert.Equal(Collectives.AllGather(plain, 1e9, 8, 1), Collectives.AllGather(nvls, 1e9, 8, 1));
    }

    [Fact]
    public void Hierarchical_all_reduce_across_domains()
    {
        var f = Fabric(8, 100, 50);
        double n = 8e9;
        // 16 ranks, stride 1: 8 per domain, 2 domains. RS inside + AR across on n/8 + AG inside.
        double inside = 7 * 5e-6 + 7.0 / 8 * n / 100e9;
        double across = Math.Min(2 * 1 * 10e-6 + 2.0 * 1 / 2 * (n / 8) / 50e9, 2 * 1 * 10e-6 + 2.0 * (n / 8) / 50e9);
        Assert.Equal(2 * inside + across, Collectives.AllReduce(f, n, 16, 1), 9);
    }

    [Fact]
    public void Group_with_stride_of_a_domain_uses_the_nics()
    {
        var f = Fabric(8, 100, 50);
        Assert.Equal(7 * 10e-6 + 7.0 / 8 * 1e9 / 50e9, Collectives.AllGather(f, 1e9, 8, 8), 9);
    }

    [Fact]
    public void Throughput_dispatch_crosses_the_network_once_per_remote_domain()
    {
        // EP32 over 4 domains of 8, top-8 experts: a token reaches 4·(1 − (3/4)^8) = 3.5996 domains, 3/4 of them
        // remote = 2.6997 network copies instead of the 8·24/32 = 6 of a per-expert all-to-all.
        var f = Fabric(8, 400, 50);
        double tokenBytes = 1e8;
        double remoteDomains = 4 * (1 - Math.Pow(0.75, 8)) * 0.75;
        Assert.Equal(2.69966, remoteDomains, 4);
        Assert.Equal(tokenBytes * remoteDomains / 50e9 + 10e-6, Collectives.ExpertExchange(f, tokenBytes, 8, 32, 1, throughputShare: 1), 9);
        // Decode tokens (low-latency kernels) pay every copy: the plain all-to-all.
        Assert.Equal(Collectives.AllToAll(f, tokenBytes * 8, 32, 1), Collectives.ExpertExchange(f, tokenBytes, 8, 32, 1, throughputShare: 0), 12);
        Assert.Equal(tokenBytes * 8 * 24 / 32 / 50e9 + 10e-6, Collectives.AllToAll(f, tokenBytes * 8, 32, 1), 9);
        // Inside one domain there is nothing to deduplicate.
        Assert.Equal(Collectives.AllToAll(f, tokenBytes * 8, 8, 1), Collectives.ExpertExchange(f, tokenBytes, 8, 8, 1, throughputShare: 1));
    }
}
