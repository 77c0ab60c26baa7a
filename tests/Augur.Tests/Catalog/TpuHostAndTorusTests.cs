using Augur.Catalog.Loading;

namespace Augur.Tests.Catalog;

/// <summary>
/// TPU hosts and ICI tori as their sources give them: Google's TPU7x page (RAM per 4-chip VM: v5p 448 GB, v6e 720,
/// TPU7x 960), the scaling book's PCIe rates (v6e 32 GB/s, 1.5e10 B/s typical) and wraparound rules (multiples of 4 on
/// the 3D tori, 16 on v5e/v6e).
/// </summary>
public class TpuHostAndTorusTests
{
    static readonly CatalogStore C = CatalogStore.Default;

    [Theory]
    [InlineData("tpu-v5p", 112, 15)]
    [InlineData("tpu-v6e", 180, 32)]
    [InlineData("tpu-v7", 240, 15)]
    public void A_tpu_host_holds_its_share_of_the_vm(string id, double gbPerChip, double gbps)
    {
        var host = C.Accelerator(id).HostMemory!;
        Assert.Equal(gbPerChip, host.Capacity.GB, 9);
        Assert.Equal(gbps, host.Bandwidth.GBps, 9);
    }

    [Theory]
    [InlineData("tpu-v5p", 95)]
    [InlineData("tpu-v6e", 32)]
    [InlineData("tpu-v7", 192)]
    public void Tpu_hbm_is_the_gib_google_states(string id, double gib) =>
        // Google's TPU7x table gives HBM capacity per chip in GiB; the catalog holds the bytes (GiB × 2^30) in GB to 3 places.
        Assert.Equal(gib * 1.073741824, C.Accelerator(id).HbmCapacity.GB, 3);

    [Theory]
    [InlineData("tpu-v4-pod", 3, 4)]
    [InlineData("tpu-v5p-pod", 3, 4)]
    [InlineData("tpu-v7-pod", 3, 4)]
    [InlineData("tpu-v5e-pod", 2, 16)]
    [InlineData("tpu-v6e-pod", 2, 16)]
    public void Tpu_pods_are_tori(string id, int dims, int wrap)
    {
        var torus = C.System(id).ScaleUp.Torus!;
        Assert.Equal((dims, wrap), (torus.Dims, torus.WrapEvery));
    }
}
