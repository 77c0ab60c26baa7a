using Augur.CostModels.Inference;
using Augur.Domain;
using Augur.Domain.Frameworks;
using Augur.Domain.Hardware;
using Augur.Domain.Workloads;
using Augur.Units;
using Xunit;

namespace Augur.Tests.Inference;

/// <summary>
/// SGLang keeps Gated DeltaNet state in a pool of its own: ratio / (1 + ratio) of the memory left holds state slots, the
/// rest KV, and each running request holds several slots (catalog/frameworks/sglang.yaml linear_state_pool).
/// </summary>
public class LinearStatePoolTests
{
    static readonly InferenceLayout One = new(Tp: 1, Pp: 1, Ep: 1, DpAttention: 1, Replicas: 1);

    [Fact]
    public void The_fewer_of_the_state_and_the_kv_pools_bounds_the_requests()
    {
        // 19 GB left at ratio 0.9: 9 GB of state (19 · 0.9 / 1.9), 10 GB of KV. Five 100 MB slots a request: 18 requests;
        // 50 MB of KV a request: 200. The state pool binds.
        var pool = new LinearStatePool(5, 0.9);
        Assert.Equal(0.9 / 1.9, pool.StateShare, 15);
        Assert.Equal(18, pool.Requests(19e9, 100e6, 50e6));
        // With 1 GB of KV a request the KV pool binds: 10 GB / 1 GB.
        Assert.Equal(10, pool.Requests(19e9, 100e6, 1e9));
    }

    static InferenceModel Model(string model, LinearStatePool? pool)
    {
        var job = new InferenceJob
        {
            InputTokens = 8192, OutputTokens = 1024,
            Limits = ServingLimits.Default with { HostPerSequence = Seconds.Zero, StatePool = pool },
        };
        return InferenceModelTests.Build(model, "hgx-h200", 1, job, Precision.BF16).Model;
    }

    [Fact]
    public void A_split_pool_caps_a_gated_deltanet_models_sequences_and_shrinks_its_kv()
    {
        var shared = Model("qwen3.5-27b", null);
        var split = Model("qwen3.5-27b", new LinearStatePool(5, 0.9));
        double usable = split.UsableKvBytesPerGpu(One).Value;
        // One slot is 146.8125 MiB (SGLang's figure for this config); five a request out of 0.9/1.9 of what is left.
        double slot = 146.8125 * (1 << 20);
        Assert.Equal(Math.Floor(usable * 0.9 / 1.9 / (5 * slot)), split.StateLimitedSequences(One)!.Value);
        // The KV side keeps 1/1.9 of it: 16 full-attention layers × 2 × 4 KV heads × 256 × 2 B = 65,536 B a token.
        Assert.Equal(Math.Floor(usable / 1.9 / 65_536), split.KvCapacityTokensPerAttentionGroup(One));
        Assert.Equal(Math.Floor(usable / 65_536), shared.KvCapacityTokensPerAttentionGroup(One));
        // Sharing one pool, the state and a request's reserved KV (9,216 tokens) come out of the same bytes.
        Assert.Equal(Math.Floor(usable / (9216 * 65_536.0 + slot)), shared.StateLimitedSequences(One)!.Value);
    }

    [Fact]
    public void A_model_without_linear_attention_ignores_the_state_pool()
    {
        var plain = Model("llama3.1-8b", null);
        var withPool = Model("llama3.1-8b", new LinearStatePool(5, 0.9));
        Assert.Null(withPool.StateLimitedSequences(One));
        Assert.Equal(plain.KvCapacityTokensPerAttentionGroup(One), withPool.KvCapacityTokensPerAttentionGroup(One));
        Assert.Equal(plain.MaxConcurrency(One), withPool.MaxConcurrency(One));
    }
}
