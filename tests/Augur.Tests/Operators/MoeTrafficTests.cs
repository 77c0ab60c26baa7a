using Augur.Catalog.Loading;
using Augur.CostModels.Compute;
using Augur.CostModels.Operators;
using Augur.Domain.Hardware;
using Augur.Domain.Workloads;

namespace Augur.Tests.Operators;

/// <summary>The MoE layer's router passes and token permutations, worked by hand on Qwen3-30B-A3B shapes on an H100.</summary>
public class MoeTrafficTests
{
    static readonly CatalogStore Store = CatalogStore.Default;

    // H100 SXM: 3.35 TB/s × 0.85 (nvidia-hopper memory_efficiency) = 2.8475 TB/s; 2 µs per kernel.
    const double Hbm = 3.35e12 * 0.85, Kernel = 2e-6;

    // One micro-batch of 4,096 tokens at EP 8: each GPU holds 16 of the 128 experts and receives 4,096 × 8 rows.
    static LayerShape Shape(bool sort, bool aux) => new()
    {
        Tokens = 4096, FullContext = 2048, WindowContext = 2048, Tp = 1, Etp = 1, Kernel = AttentionKernel.Flash,
        ExpertTokenVisits = 32768, ExpertsTouched = 16, SortsByLocalExpert = sort, AuxiliaryLoss = aux,
    };

    static double Elementwise(LayerShape s)
    {
        var acc = Store.Accelerator("h100-sxm");
        var rates = new DeviceRates(acc, Store.Calibration(acc), Precision.BF16);
        return new LayerCost(Store.Model("qwen3-30b-a3b").Spec, 2.0, 2.0).Moe(rates, s).Elementwise.Value;
    }

    [Fact]
    public void Router_passes_read_and_write_the_fp32_scores()
    {
        // 4,096 tokens × 128 experts × 4 bytes = 2 MiB per pass; softmax read + write, top-k read, scatter write: 4 passes.
        Assert.Equal(8_388_608, MoeTraffic.RouterBytes(4096, 128, auxiliaryLoss: false));
        // The load-balancing loss adds its own softmax (read + write) and a per-expert sum (read): 7 passes.
        Assert.Equal(14_680_064, MoeTraffic.RouterBytes(4096, 128, auxiliaryLoss: true));
        Assert.Equal(3, MoeTraffic.RouterKernelCount(false));
        Assert.Equal(6, MoeTraffic.RouterKernelCount(true));
    }

    [Fact]
    public void The_load_balancing_loss_costs_its_bytes_and_three_kernels()
    {
        // 3 passes × 2 MiB = 6,291,456 B at 2.8475 TB/s = 2.2095 µs, plus 3 kernels × 2 µs = 8.2095 µs.
        double extra = Elementwise(Shape(sort: false, aux: true)) - Elementwise(Shape(sort: false, aux: false));
        Assert.Equal(6_291_456 / Hbm + 3 * Kernel, extra, 12);
    }

    [Fact]
    public void A_permutation_reads_and_writes_every_routed_row()
    {
        // 2 × 32,768 rows × 2,048 hidden × 2 bytes = 268,435,456 bytes per permutation.
        Assert.Equal(268_435_456, MoeTraffic.PermutationBytes(32768, 2048, 2));
        Assert.Equal(1, MoeTraffic.PermutationsPerDirection(false));
        Assert.Equal(2, MoeTraffic.PermutationsPerDirection(true));
    }

    [Fact]
    public void Sorting_by_local_expert_adds_one_permutation_each_way()
    {
        // Each pass: 268,435,456 B / 2.8475 TB/s = 94.27 µs + 2 µs; two more passes (after dispatch, before combine).
        double extra = Elementwise(Shape(sort: true, aux: false)) - Elementwise(Shape(sort: false, aux: false));
        Assert.Equal(2 * (268_435_456 / Hbm + Kernel), extra, 12);
    }

    [Fact]
    public void A_layer_without_routed_rows_pays_no_permutation()
    {
        var none = Shape(sort: true, aux: false) with { ExpertTokenVisits = 0, ExpertsTouched = 0 };
        var oneRow = none with { ExpertTokenVisits = 1, ExpertsTouched = 1 };
        // One row: 4 passes of 2·2048·2 B, each with its kernel; the activation width of one visit is 3·768 elements.
        double expected = 4 * (8192 / Hbm + Kernel) + 3 * 768 * 2 / Hbm;
        Assert.Equal(expected, Elementwise(oneRow) - Elementwise(none), 12);
    }

    [Fact]
    public void The_dispatch_sync_stalls_the_forward_for_one_round_trip_and_nothing_else()
    {
        var acc = Store.Accelerator("h100-sxm");
        var rates = new DeviceRates(acc, Store.Calibration(acc), Precision.BF16);
        var cost = new LayerCost(Store.Model("qwen3-30b-a3b").Spec, 2.0, 2.0);
        var plain = cost.Moe(rates, Shape(sort: false, aux: false));
        var synced = cost.Moe(rates, Shape(sort: false, aux: false) with { SyncsBeforeDispatch = true });
        // 26.1 µs: the device-to-host round trip measured on bare-metal Linux (minimind PR #837).
        Assert.Equal(26.1e-6, synced.HostStall.Value, 15);
        Assert.Equal(26.1e-6, (synced.Total - plain.Total).Value, 12);
        Assert.Equal(plain.Elementwise.Value, synced.Elementwise.Value);
        Assert.Equal(0, plain.HostStall.Value);
    }
}
