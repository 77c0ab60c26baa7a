using Augur.Catalog.Loading;
using Augur.CostModels.Compute;
using Augur.Domain.Hardware;

namespace Augur.Tests.Analysis;

public class PrecisionRuleTests
{
    [Fact]
    public void Fp8_training_keeps_attention_and_the_lm_head_in_bf16()
    {
        var h100 = CatalogStore.Default.Accelerator("h100-sxm");
        Assert.Equal(Precision.BF16, PrecisionRules.Attention(h100, PrecisionRules.TrainingKeysAndValues(Precision.FP8)));
        Assert.Equal(Precision.BF16, PrecisionRules.LmHead);
        Assert.Equal(2.0, PrecisionRules.LmHeadBytes);
    }

    [Fact]
    public void Serving_attention_runs_in_the_kv_cache_format_the_tensor_cores_have()
    {
        var h100 = CatalogStore.Default.Accelerator("h100-sxm");
        Assert.Equal(Precision.FP8, PrecisionRules.Attention(h100, Precision.FP8));
        // Hopper has no FP4 tensor cores: an FP4 cache is attended in BF16.
        Assert.Equal(Precision.BF16, PrecisionRules.Attention(h100, Precision.FP4));
    }
}
