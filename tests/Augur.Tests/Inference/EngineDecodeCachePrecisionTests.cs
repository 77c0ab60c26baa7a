using Augur.Catalog.Loading;
using Augur.CostModels.Compute;
using Augur.Domain.Hardware;
using Augur.Units;
using Xunit;

namespace Augur.Tests.Inference;

/// <summary>
/// Decode rows carry their KV cache precision (attention.csv kv_precision): an FP8-cache row's ideal reads K and V at one
/// byte, and only a scenario attending an FP8 cache takes it. B200: 8.0 TB/s, 4.5 dense FP8 PFLOP/s.
/// </summary>
public class EngineDecodeCachePrecisionTests
{
    /// <summary>One sequence, 8 query heads over 1 KV head of 128, 1024 cached keys: 10 µs.</summary>
    static readonly AttentionSample Fp8Row = new(AttentionPhase.Decode, "test", 1, 8, 1, 1, 1024, 128, 128, new Seconds(10e-6), null) { KvPrecision = Precision.FP8 };

    static EngineLinear Engine(Accelerator b200) =>
        EngineTestSets.Engine(b200, "fp8-cache-test", new EngineLinearScope(["b200"], [], "test") { DecodeAttention = true }, Fp8Row);

    [Fact]
    public void An_fp8_cache_row_reads_k_and_v_at_one_byte()
    {
        var b200 = CatalogStore.Default.Accelerator("b200");
        var decode = Engine(b200).DecodeOn(b200, Precision.FP8)!;
        // Ideal: bytes 1024·256·1 (K, V) + 8·512·2 (queries, outputs) = 270,336 over 8.0 TB/s = 33.792 ns; FLOPs
        // 2·8·256·1024 = 4,194,304 over 4.5 PFLOP/s = 0.93 ns. Ratio 10 µs / 33.792 ns = 295.92.
        Assert.Equal(10e-6, decode.Seconds(4194304, 270336, 1, 1024), 12);
        // The grid holds one cell, so twice the bytes (the same keys read twice over) take twice the time.
        Assert.Equal(20e-6, decode.Seconds(2 * 4194304, 2 * 270336, 1, 1024), 12);
    }

    [Fact]
    public void A_16_bit_cache_does_not_take_fp8_rows()
    {
        var b200 = CatalogStore.Default.Accelerator("b200");
        Assert.Null(Engine(b200).DecodeOn(b200, Precision.BF16));
        Assert.Null(Engine(b200).DecodeOn(b200, Precision.FP16));
    }
}
