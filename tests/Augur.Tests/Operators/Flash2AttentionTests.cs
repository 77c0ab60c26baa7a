using Augur.Catalog.Loading;
using Augur.CostModels.Compute;
using Augur.CostModels.Operators;
using Augur.Domain.Hardware;
using Augur.Domain.Workloads;
using Augur.Tests.Cli;
using Augur.Units;

namespace Augur.Tests.Operators;

/// <summary>
/// Training that runs FlashAttention-2 (PyTorch SDPA's flash backend) is costed at that kernel's measured rates, not at
/// the cuDNN rates the family's fused attention is calibrated to.
/// </summary>
public class Flash2AttentionTests
{
    static readonly CatalogStore Store = CatalogStore.Default;

    [Fact]
    public void On_hopper_flash2_runs_at_its_fitted_share_of_the_bf16_peak()
    {
        // nvidia-hopper.yaml: attention_flash2 0.358 with 365 / 863 keys of per-row work; fused (cuDNN) 0.66, 384 / 1080.
        // H100 SXM dense BF16 peak 989.4 TFLOP/s: 354.2 and 653.0 TFLOP/s. FP8 training keeps attention in BF16.
        var acc = Store.Accelerator("h100-sxm");
        var fa2 = new DeviceRates(acc, Store.Calibration(acc), Precision.FP8, Precision.BF16, AttentionKernel.Flash2);
        var fused = new DeviceRates(acc, Store.Calibration(acc), Precision.FP8, Precision.BF16);
        Assert.Equal(354.2e12, fa2.Attention.PerSecond, 0.1e12);
        Assert.Equal(653.0e12, fused.Attention.PerSecond, 0.1e12);
        Assert.Equal(365, fa2.AttentionRowOverhead);
        Assert.Equal(863, fa2.AttentionBackwardRowOverhead);
        // Only attention moves: the GEMMs run at the FP8 rate either way.
        Assert.Equal(fused.Gemm, fa2.Gemm);
    }

    [Fact]
    public void A_family_without_a_flash2_measurement_runs_it_at_its_fused_rates()
    {
        var acc = Store.Accelerator("a100-sxm-80g");
        var fa2 = new DeviceRates(acc, Store.Calibration(acc), Precision.BF16, kernel: AttentionKernel.Flash2);
        var fused = new DeviceRates(acc, Store.Calibration(acc), Precision.BF16);
        Assert.Null(Store.Calibration(acc).Flash2);
        Assert.Equal(fused.Attention, fa2.Attention);
        Assert.Equal(fused.AttentionRowOverhead, fa2.AttentionRowOverhead);
    }

    [Fact]
    public void A_16k_causal_layer_takes_the_forward_time_worked_out_from_the_fit()
    {
        // Llama 3.1 8B, one layer forward over 16,384 tokens: 32 heads × (128 + 128) per (query, key) pair, 2 FLOPs each,
        // over the average attended keys c. FlashAttention-2 time = F·(1 + 365/c) / 354.2e12 + 2 µs (one kernel).
        var m = Store.Model("llama3.1-8b").Spec;
        var acc = Store.Accelerator("h100-sxm");
        var rates = new DeviceRates(acc, Store.Calibration(acc), Precision.BF16, kernel: AttentionKernel.Flash2);
        var cost = new LayerCost(m, 2.0, 2.0);
        var shape = new LayerShape { Tokens = 16384, FullContext = 16384, WindowContext = 16384, Tp = 1, Etp = 1, Kernel = AttentionKernel.Flash2 };
        double c = cost.AttendedContext(shape);
        double flops = 2.0 * 32 * 256 * 16384 * c;
        double expected = flops * (1 + 365 / c) / (989.4e12 * 0.358) + 2e-6;
        Assert.Equal(expected, cost.Dense(rates, shape).Attention.Value, expected * 1e-9);
    }

    [Fact]
    public void The_scenario_names_it_flash2_and_a_wrong_name_lists_it()
    {
        var sample = Scenarios.Repo("samples/llama3-405b-pretrain.yaml");
        var (ok, _, okErr) = CliTests.Run("estimate", sample, "--set", "training.attention=flash2");
        Assert.True(ok == 0, okErr);
        var (code, _, err) = CliTests.Run("estimate", sample, "--set", "training.attention=fa3");
        Assert.Equal(2, code);
        Assert.Contains("use flash, flash2 or unfused", err);
    }
}
