using Augur.Catalog.Loading;
using Augur.CostModels.Analysis;
using Augur.Domain.Hardware;

namespace Augur.Tests.Analysis;

/// <summary>
/// The chunkwise Gated DeltaNet kernel's measured rate (calibration linear_attention): flash-linear-attention's forward
/// on an H200 (QwenLM/FlashQLA benchmark/benchmark_results_H200.txt), read back through Augur's FLOP count.
/// </summary>
public class LinearAttentionRateTests
{
    static LinearAttentionRate Hopper =>
        CatalogStore.Default.Calibration(CatalogStore.Default.Accelerator("h200")).LinearAttention!;

    [Fact]
    public void The_rate_saturates_with_the_value_heads_on_the_gpu()
    {
        // 136 TFLOP/s × 32 / (32 + 12.8) = 97.14 TFLOP/s; 8 heads: 136 × 8 / 20.8 = 52.31.
        Assert.Equal(97.142857e12, Hopper.PerSecond(32), 1e6);
        Assert.Equal(52.307692e12, Hopper.PerSecond(8), 1e6);
    }

    [Theory]
    [InlineData(32, 1.890)]   // Qwen3.5-35B-A3B at TP1: 16 key heads, 32 value heads
    [InlineData(48, 2.711)]   // Qwen3.5-27B at TP1
    [InlineData(8, 0.902)]    // Qwen3.5-397B at TP8
    public void One_32K_sequence_takes_the_measured_time(int valueHeads, double measuredMs)
    {
        // Chunkwise FLOPs per token: 6·h·128·128 + 2·64·h·(3·128 + 2·128); 32 heads: 3,145,728 + 2,621,440 = 5,767,168.
        var spec = new Augur.Domain.Models.LinearAttentionSpec(1, 16, valueHeads, 128, 128, 4);
        double flops = LinearAttentionCost.ChunkwiseFlopsPerToken(spec) * 32768;
        if (valueHeads == 32) Assert.Equal(5_767_168.0 * 32768, flops, 1);
        double ms = flops / Hopper.PerSecond(valueHeads) * 1e3;
        Assert.InRange(ms / measuredMs, 0.95, 1.05);
    }
}

/// <summary>A calibration's linear_attention entry: a rate of zero or a negative half-saturation is refused in one line.</summary>
public class LinearAttentionCalibrationTests
{
    static string Read(string entry)
    {
        // The keys read before linear_attention, then the entry (the reader stops at the first bad value).
        string text = "family: test\ngemm_efficiency: {bf16: 0.68}\nattention_efficiency: {bf16: 0.66}\n" + entry + "\n";
        var node = (Augur.Catalog.Files.MappingNode)Augur.Catalog.Files.DataReader.Read(text, "hopper.yaml", json: false);
        return Assert.Throws<Augur.Domain.InputException>(() => CalibrationReader.Read(node)).Message;
    }

    [Fact]
    public void An_impossible_rate_is_refused()
    {
        Assert.Contains("linear_attention.peak_tflops", Read("linear_attention: {peak_tflops: 0, half_heads: 12.8}"));
        Assert.Contains("linear_attention.half_heads", Read("linear_attention: {peak_tflops: 136, half_heads: -1}"));
        Assert.Contains("missing key 'half_heads'", Read("linear_attention: {peak_tflops: 136}"));
    }
}
