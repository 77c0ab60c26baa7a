using Augur.Catalog.Loading;
using Augur.CostModels.Compute;
using Augur.CostModels.Operators;
using Augur.Domain.Hardware;
using Augur.Domain.Workloads;

namespace Augur.Tests.Operators;

public class QuantizationTrafficTests
{
    static readonly CatalogStore Store = CatalogStore.Default;

    [Fact]
    public void Each_recipe_moves_its_documented_bytes_per_element()
    {
        // FP8/MXFP8: read 2 B, write 1 B row-wise + 1 B column-wise, one E8M0 scale per 32 each way.
        var fp8 = QuantizationTraffic.ForTraining(Precision.FP8);
        Assert.Equal(4.0625, fp8.BytesPerInputElement, 12);
        Assert.Equal(1, fp8.KernelsPerInput);
        Assert.Equal(4.0625, fp8.BytesPerWeightElement, 12);
        // NVFP4: amax pass read 2; row-wise cast read 2, write 0.5 + 1/16; Hadamard column-wise cast the same: 7.125.
        var fp4 = QuantizationTraffic.ForTraining(Precision.FP4);
        Assert.Equal(7.125, fp4.BytesPerInputElement, 12);
        Assert.Equal(3, fp4.KernelsPerInput);
        // Weights: amax read 2, cast read 2, both directions written with one scale per 16×16: 2·(0.5 + 1/256).
        Assert.Equal(5.0078125, fp4.BytesPerWeightElement, 12);
        Assert.True(QuantizationTraffic.ForTraining(Precision.BF16).None);
        Assert.Equal(0, QuantizationTraffic.ForTraining(Precision.BF16).Seconds(default, Gemm(1, 1, 1), default));
    }

    static LayerTime Gemm(double m, double n, double k) => new() { QuantizedInputs = m * k, QuantizedGradients = m * n, QuantizedGemms = 1 };

    [Theory]
    [InlineData(Precision.FP8, 272_629_760.0, 2)]  // (8192·4096 + 8192·4096) elements × 4.0625 B, input and gradient casts
    [InlineData(Precision.FP4, 478_150_656.0, 6)]  // the same elements × 7.125 B, three kernels each
    public void One_8192_by_4096_by_4096_gemm_costs_its_cast_bytes_at_hbm_rate(Precision p, double bytes, int kernels)
    {
        var acc = Store.Accelerator("b200");
        var r = new DeviceRates(acc, Store.Calibration(acc), p);
        var gemm = Gemm(8192, 4096, 4096);
        double expected = bytes / r.Memory.BytesPerSecond + kernels * r.KernelOverhead.Value;
        var q = QuantizationTraffic.ForTraining(p);
        Assert.Equal(expected, q.Seconds(r, gemm, default), 12);
        // A recomputed forward casts the 8192×4096 input once more.
        double again = 8192.0 * 4096 * q.BytesPerInputElement / r.Memory.BytesPerSecond + q.KernelsPerInput * r.KernelOverhead.Value;
        Assert.Equal(expected + again, q.Seconds(r, gemm, gemm), 12);
    }

    [Fact]
    public void A_dense_layer_quantizes_each_projection_input_and_output_gradient_and_the_head_none()
    {
        // Llama 3.1 8B, 4096 tokens, TP 1: inputs d (QKV) + h·d_h (out) + d (gate/up) + F (down) = 26,624 per token;
        // output gradients (32 + 2·8)·128 + d + 2F + d = 43,008 per token; four GEMMs.
        var m = Store.Model("llama3.1-8b").Spec;
        var acc = Store.Accelerator("h100-sxm");
        var r = new DeviceRates(acc, Store.Calibration(acc), Precision.FP8, Precision.BF16);
        var cost = new LayerCost(m, 2.0, 2.0);
        var shape = new LayerShape { Tokens = 4096, FullContext = 2048, WindowContext = 2048, Tp = 1, Etp = 1, Kernel = AttentionKernel.Flash };
        var layer = cost.Dense(r, shape);
        Assert.Equal(4096.0 * 26_624, layer.QuantizedInputs);
        Assert.Equal(4096.0 * 43_008, layer.QuantizedGradients);
        Assert.Equal(4, layer.QuantizedGemms);
        Assert.Equal(0, cost.Head(r, 4096, 1, LossTraffic.BytesPerLogit(LossKernel.CrossEntropy).Forward).QuantizedGemms);
    }

    [Fact]
    public void The_router_stays_16_bit_and_the_routed_experts_quantize_their_two_grouped_gemms()
    {
        // Qwen3-30B-A3B (no shared experts): QKV and output projections, the router left out, gate/up and down over the
        // visits: inputs visits·(d + F_e), gradients visits·(2F_e + d).
        var m = Store.Model("qwen3-30b-a3b").Spec;
        var acc = Store.Accelerator("b200");
        var r = new DeviceRates(acc, Store.Calibration(acc), Precision.FP8, Precision.BF16);
        var cost = new LayerCost(m, 2.0, 2.0);
        var shape = new LayerShape { Tokens = 1, FullContext = 1, WindowContext = 1, Tp = 1, Etp = 1, Kernel = AttentionKernel.Flash, ExpertTokenVisits = 8, ExpertsTouched = 8 };
        var layer = cost.Moe(r, shape);
        Assert.Equal(4, layer.QuantizedGemms);
        double d = m.Hidden, f = m.Moe!.ExpertFfn, qkv = (m.Heads + 2.0 * m.KvHeads) * m.HeadDim, o = (double)m.Heads * m.HeadDim;
        Assert.Equal(d + o + 8 * (d + f), layer.QuantizedInputs);
        Assert.Equal(qkv + d + 8 * (2 * f + d), layer.QuantizedGradients);
    }
}
