using Augur.Catalog.Loading;
using Augur.CostModels.Compute;
using Augur.CostModels.Operators;
using Augur.Domain.Hardware;
using Augur.Domain.Models;
using Augur.Domain.Parallelism;
using Augur.Domain.Workloads;
using Augur.Units;

namespace Augur.Tests.Operators;

/// <summary>
/// The loss's passes over the logits (<see cref="LossTraffic"/>) on an idealised GPU: 100 TFLOP/s, 1 TB/s of HBM, no
/// kernel overhead. The toy model's output layer on T = 2,048 tokens at tp = 2 holds T × 32,768 / 2 = 33,554,432 logits
/// per GPU, so every byte per logit costs 33.554432 µs.
/// </summary>
public class LossTrafficTests
{
    const double Logits = 2048 * 32768 / 2.0, Hbm = 1e12;

    static readonly ModelSpec Toy = new()
    {
        Name = "toy", Layers = 4, Hidden = 1024, Heads = 8, KvHeads = 8, HeadDim = 128, Ffn = 4096, Vocab = 32768, GatedMlp = false,
    };

    static PassComposer Composer(LossKernel loss)
    {
        var cal = TestCalibration.Any with
        {
            GemmEfficiency = Enumerable.Repeat(1.0, PrecisionInfo.Count).ToArray(),
            AttentionEfficiency = Enumerable.Repeat(1.0, PrecisionInfo.Count).ToArray(),
            AttentionRowOverheadTokens = 0, AttentionBackwardRowOverheadTokens = 0, MemoryEfficiency = 1, KernelOverhead = Seconds.Zero,
        };
        var acc = CatalogStore.Default.Accelerator("h100-sxm") with
        {
            DensePeak = Enumerable.Repeat(new FlopRate(1e14), PrecisionInfo.Count).ToArray(), HbmBandwidth = new Bandwidth(Hbm),
        };
        var cluster = new Cluster { Accelerator = acc, Gpus = 8, Tiers = Cluster.TwoTiers(8, Bandwidth.FromGBps(100), new Bandwidth(50e9), 8, false) };
        var rates = new DeviceRates(acc, cal, Precision.BF16);
        return new PassComposer(Toy, new LayerCost(Toy, 2, 2), rates, rates, cluster, cal) { Loss = loss };
    }

    static Seconds HeadTime(LossKernel loss, bool backward) => Composer(loss).Compose(new StagePass
    {
        Shape = new LayerShape { Tokens = 2048, FullContext = 1024, WindowContext = 0, Tp = 2, Etp = 1, Kernel = AttentionKernel.Flash },
        DenseLayers = 4, MoeLayers = 0, Backward = backward, LogitTokens = 2048,
    }).HeadTime;

    [Fact]
    public void A_forward_only_pass_reads_the_logits_46_bytes_each_for_token_log_probabilities_against_12()
    {
        // (46 − 12) B × 33,554,432 logits / 1 TB/s = 1.140851 ms.
        Assert.Equal(34 * Logits / Hbm, (HeadTime(LossKernel.TokenLogProbs, false) - HeadTime(LossKernel.CrossEntropy, false)).Value, 12);
    }

    [Fact]
    public void A_training_pass_adds_the_backwards_22_bytes_against_the_generic_24()
    {
        // (46 + 22) − (12 + 24) = 32 B a logit: 1.073742 ms.
        Assert.Equal(32 * Logits / Hbm, (HeadTime(LossKernel.TokenLogProbs, true) - HeadTime(LossKernel.CrossEntropy, true)).Value, 12);
        // The generic cross entropy keeps its old shape: the head's backward twice its forward.
        Assert.Equal(3 * HeadTime(LossKernel.CrossEntropy, false).Value, HeadTime(LossKernel.CrossEntropy, true).Value, 12);
    }
}
