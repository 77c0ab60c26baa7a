using Augur.Catalog.Loading;
using Augur.CostModels.Compute;
using Augur.Domain.Hardware;
using Augur.Units;
using Xunit;

namespace Augur.Tests.Inference;

/// <summary>
/// An engine's own prompt attention (attention.csv prefill rows with serves.prefill_attention): each row's time over the
/// ideal roofline of whole causal prompts at the BF16 peak, looked up at (sequences x heads, prompt length).
/// B200: 2.25 dense BF16 PFLOP/s, 8.0 TB/s.
/// </summary>
public class EnginePrefillAttentionTests
{
    /// <summary>Two sequences of 1024 tokens, 32 query heads over 4 KV heads of 128: 100 µs.</summary>
    static readonly AttentionSample Row = new(AttentionPhase.Prefill, "test", 2, 32, 4, 1024, 1024, 128, 128, new Seconds(100e-6), null);

    static EngineLinear Engine(Accelerator b200, bool serves) =>
        EngineTestSets.Engine(b200, serves ? "prefill-test" : "prefill-test-unserved", new EngineLinearScope(["b200"], [], "test") { PrefillAttention = serves }, Row);

    [Fact]
    public void A_prefill_row_is_timed_back_from_its_ratio_to_the_causal_ideal()
    {
        var b200 = CatalogStore.Default.Accelerator("b200");
        var prefill = Engine(b200, serves: true).PrefillOn(b200)!;
        // Ideal: 1024·1025/2 = 524,800 (query, key) pairs per head; FLOPs 2·32·256·2·524,800 = 1.7196e10 over 2.25e15 =
        // 7.6427 µs; bytes 2·1024·(32·512 + 4·256)·2 = 71,303,168 over 8.0e12 = 8.913 µs: memory-bound at 8.913 µs, so the
        // row's ratio is 100 / 8.913 = 11.22 and the lookup at the same point gives the row back.
        double flops = 2.0 * 32 * 256 * 2 * 524800, bytes = 2.0 * 1024 * (32 * 512 + 4 * 256) * 2;
        Assert.Equal(100e-6, prefill.Seconds(flops, bytes, 2 * 32, 1024), 12);
        // One cell: four times the FLOPs (compute-bound at 30.57 µs ideal) take 100 x 30.57 / 8.913 µs.
        Assert.Equal(100e-6 * (4 * flops / 2.25e15) / (bytes / 8.0e12), prefill.Seconds(4 * flops, bytes, 2 * 32, 1024), 12);
    }

    [Fact]
    public void A_set_that_does_not_serve_its_prefill_rows_gives_none()
    {
        var b200 = CatalogStore.Default.Accelerator("b200");
        Assert.Null(Engine(b200, serves: false).PrefillOn(b200));
    }
}
