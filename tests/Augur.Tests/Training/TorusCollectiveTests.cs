using Augur.CostModels.Communication;
using Augur.Domain.Hardware;
using Augur.Units;

namespace Augur.Tests.Training;

/// <summary>
/// Collectives inside a TPU slice as rings along the torus axes (jax-ml/scaling-book sharding.md: a closed axis ring
/// moves V/W_bidi, several axes add their bandwidth, an open axis is one-way). Worked with 600 GB/s one way per chip,
/// 100 GB/s per link on a 3D torus (150 on a 2D one with 600), efficiency 1 and 5 µs per hop.
/// </summary>
public class TorusCollectiveTests
{
    const double Lat = 5e-6;

    static Fabric Slice(int chips, int dims, int wrapEvery, double chipGBps = 600)
    {
        var cal = TestCalibration.Any with
        {
            ScaleUp = new TierCalibration(1.0, Seconds.FromMicroseconds(5)),
            ScaleOut = new TierCalibration(1.0, Seconds.FromMicroseconds(10)),
        };
        var acc = Augur.Catalog.Loading.CatalogStore.Default.Accelerator("tpu-v5p");
        var tiers = NetworkTiers.Checked([
            new NetworkTierSpec(TierKind.ScaleUp, "ici", 6144, Bandwidth.FromGBps(chipGBps), Torus: new TorusSpec(dims, wrapEvery)),
            new NetworkTierSpec(TierKind.ScaleOut, "dcn", 6144, Bandwidth.FromGBps(6.25)),
        ]);
        return new Fabric(new Cluster { Accelerator = acc, Gpus = chips, Tiers = tiers }, cal);
    }

    [Fact]
    public void Slice_shapes_are_googles()
    {
        var cube = new TorusSpec(3, 4);
        Assert.Equal((8, 8, 8), cube.Shape(512));     // v5p-1024
        Assert.Equal((4, 8, 8), cube.Shape(256));     // tpu7x-4x8x8
        Assert.Equal((4, 4, 4), cube.Shape(64));      // tpu7x-4x4x4
        Assert.Equal((16, 16, 24), cube.Shape(6144)); // v5p's largest single slice
        Assert.Equal((1, 16, 16), new TorusSpec(2, 16).Shape(256)); // v6e-256
        Assert.Equal((1, 8, 8), new TorusSpec(2, 16).Shape(64));
    }

    [Fact]
    public void A_whole_cube_gathers_over_all_three_closed_axes()
    {
        // 8x8x8: three closed rings of 8, 2 x 100 GB/s each = 600 GB/s, 4 hops each.
        double n = 1e9;
        Assert.Equal(12 * Lat + 511.0 / 512 * n / 600e9, Collectives.AllGather(Slice(512, 3, 4), n, 512, 1), 12);
        // All-reduce = reduce-scatter + all-gather.
        Assert.Equal(2 * (12 * Lat + 511.0 / 512 * n / 600e9), Collectives.AllReduce(Slice(512, 3, 4), n, 512, 1), 12);
    }

    [Fact]
    public void A_partial_axis_has_no_wraparound_and_sends_one_way()
    {
        double n = 1e8;
        // TP4 on 8x8x8: four chips of an axis of 8, an open ring: 100 GB/s, 3 hops.
        Assert.Equal(3 * Lat + 0.75 * n / 100e9, Collectives.AllReduce(Slice(512, 3, 4), n, 4, 1) / 2, 12);
        // TP4 on 4x4x4 fills its axis, closed: 200 GB/s, 2 hops: about half the time.
        Assert.Equal(2 * Lat + 0.75 * n / 200e9, Collectives.AllGather(Slice(64, 3, 4), n, 4, 1), 12);
    }

    [Fact]
    public void A_2d_slice_wraps_only_on_axes_of_sixteen()
    {
        double n = 1e9; // 600 GB/s over 4 links = 150 GB/s per link
        // 8x8 (v6e-64): two open axes, 2 x 150 GB/s, 7 + 7 hops.
        Assert.Equal(14 * Lat + 63.0 / 64 * n / 300e9, Collectives.AllGather(Slice(64, 2, 16), n, 64, 1), 12);
        // 16x16: two closed axes, 2 x 2 x 150 GB/s, 8 + 8 hops.
        Assert.Equal(16 * Lat + 255.0 / 256 * n / 600e9, Collectives.AllGather(Slice(256, 2, 16), n, 256, 1), 12);
    }

    [Fact]
    public void Strided_groups_share_the_links_they_interleave_on()
    {
        double n = 1e9;
        // DP of 64 at stride 4 on 4x8x8: one rank per row of the axis of 4, closed rings of 8 on the other two axes.
        Assert.Equal(8 * Lat + 63.0 / 64 * n / 400e9, Collectives.AllGather(Slice(256, 3, 4), n, 64, 4), 12);
        // Four ranks two chips apart on an axis of 8 (a closed loop): two groups share the axis, 2 x 100 / 2 GB/s,
        // 2 hops of 2 links.
        Assert.Equal(4 * Lat + 0.75 * n / 100e9, Collectives.AllGather(Slice(512, 3, 4), n, 4, 2), 12);
    }
}
