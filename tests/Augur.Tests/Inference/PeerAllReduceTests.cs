using Augur.Catalog.Loading;
using Augur.CostModels.Communication;
using Augur.CostModels.Inference;
using Augur.Domain.Hardware;
using Augur.Domain.Workloads;
using Augur.Units;

namespace Augur.Tests.Inference;

/// <summary>
/// The serving engines' own all-reduce (vLLM/SGLang custom all-reduce, TensorRT-LLM's, aiter's) inside one scale-up domain:
/// one shot (read every peer's buffer) or two shots (reduce-scatter, all-gather), a fixed latency per barrier stage.
/// </summary>
public class PeerAllReduceTests
{
    static readonly CatalogStore Store = CatalogStore.Default;

    /// <summary>DGX H100's scale-up tier as the catalog calibrates it: 450 GB/s per GPU one way × 0.82.</summary>
    static NetworkTier HopperLink()
    {
        var acc = Store.Accelerator("h100-sxm");
        return new Fabric(Cluster.From(Store.System("dgx-h100"), acc, 8), Store.Calibration(acc)).ScaleUp;
    }

    [Fact]
    public void One_shot_below_the_crossover_two_shots_above_it()
    {
        var link = HopperLink();
        Assert.Equal(369e9, link.BytesPerSecond, 1e-3);
        // 6 GPUs, 6 µs per stage. 0.5 MiB: one shot 6 + 524,288·5/369e9 = 13.10 µs, two shots 12 + 2·(5/6)·524,288/369e9 = 14.37.
        Assert.Equal(6e-6 + 524_288.0 * 5 / 369e9, Collectives.PeerAllReduce(link, 6e-6, 524_288, 6), 12);
        // 1 MiB: one shot 20.21 µs, two shots 12 + 4.74 = 16.74 µs.
        Assert.Equal(12e-6 + 2.0 * 5 / 6 * 1_048_576 / 369e9, Collectives.PeerAllReduce(link, 6e-6, 1_048_576, 6), 12);
        Assert.Equal(0, Collectives.PeerAllReduce(link, 6e-6, 1_048_576, 1));
    }

    [Theory]
    // vLLM PR #24111 (H100, TP 6, bf16 rows of hidden 8192, isolated kernel benchmark): the faster custom all-reduce
    // stage per size, in µs: 0.5 MB ca_1stage 13, 1 MB ca_2stage 17, 2 MB ca_2stage 26, 4 MB ca_2stage 37.
    [InlineData(524_288, 13e-6)]
    [InlineData(1_048_576, 17e-6)]
    [InlineData(2_097_152, 26e-6)]
    [InlineData(4_194_304, 37e-6)]
    public void Hoppers_measured_custom_all_reduce_is_reproduced_within_a_fifth(double bytes, double measured)
    {
        var cal = Store.Calibration(Store.Accelerator("h100-sxm"));
        double predicted = Collectives.PeerAllReduce(HopperLink(), cal.PeerAllReduceLatency!.Value.Value, bytes, 6);
        Assert.InRange(predicted / measured, 0.8, 1.2);
    }

    [Fact]
    public void Serving_tp_all_reduces_take_the_engines_kernel_where_it_beats_the_library()
    {
        // Llama 3.1 70B at TP 8 on a DGX H100, 8 decoding sequences: each all-reduce carries 8 × 8192 × 2 B = 131,072 B, two per
        // layer, 80 layers. The engine's one shot: 6 µs + 131,072 × 7 / 369e9 = 8.487 µs. NCCL's tree: 2·log2(8)·5 µs +
        // 2 × 131,072 / (369e9 × 1.3) = 30.55 µs (NVLS's 1.3 gain).
        var acc = Store.Accelerator("h100-sxm");
        var sys = Store.System("dgx-h100");
        var cluster = Cluster.From(sys, acc, 8);
        var job = new InferenceJob { InputTokens = 1000, OutputTokens = 100, Concurrency = 8 };
        var layout = new InferenceLayout(Tp: 8, Pp: 1, Ep: 1, DpAttention: 1, Replicas: 1);
        var model = Store.Model("llama3.1-70b").Spec;
        var cal = Store.Calibration(acc) with { PeerAllReduceLatency = Seconds.FromMicroseconds(6) };
        var engine = new InferenceModel(model, cluster, job, Precision.BF16, cal).DecodeStep(layout, 8, 1000);
        Assert.Equal(160 * (6e-6 + 131_072.0 * 7 / 369e9), engine.TensorParallel.Value, 9);

        var library = new InferenceModel(model, cluster, job, Precision.BF16, cal with { PeerAllReduceLatency = null }).DecodeStep(layout, 8, 1000);
        // The DGX H100 reduces in its NVLink switches (NVLS), the 1.3 gain.
        Assert.Equal(160 * (30e-6 + 2 * 131_072.0 / (369e9 * 1.3)), library.TensorParallel.Value, 9);
    }

    [Fact]
    public void A_tp_group_that_spans_domains_keeps_the_library_all_reduce()
    {
        // TP 16 over two 8-GPU servers: no peer-to-peer path between them, so the engine's kernel cannot run.
        var acc = Store.Accelerator("h100-sxm");
        var cluster = Cluster.From(Store.System("dgx-h100"), acc, 16);
        var job = new InferenceJob { InputTokens = 1000, OutputTokens = 100, Concurrency = 8 };
        var layout = new InferenceLayout(Tp: 16, Pp: 1, Ep: 1, DpAttention: 1, Replicas: 1);
        var model = Store.Model("llama3.1-405b").Spec;
        var cal = Store.Calibration(acc);
        double with = new InferenceModel(model, cluster, job, Precision.BF16, cal).DecodeStep(layout, 8, 1000).TensorParallel.Value;
        double without = new InferenceModel(model, cluster, job, Precision.BF16, cal with { PeerAllReduceLatency = null }).DecodeStep(layout, 8, 1000).TensorParallel.Value;
        Assert.True(with > 0);
        Assert.Equal(without, with, 15);
    }
}
