using Augur.Catalog.Loading;
using Augur.CostModels.Analysis;
using Augur.CostModels.Compute;
using Augur.CostModels.Inference;
using Augur.CostModels.Operators;
using Augur.CostModels;
using Augur.Domain.Hardware;
using Augur.Domain.Workloads;
using Augur.Simulation.Serving;
using Augur.Units;

namespace Augur.Tests.Inference;

public class InferenceModelTests
{
    static readonly CatalogStore Store = CatalogStore.Default;

    /// <summary>Hopper calibration with the serving parameters pinned, so the hand numbers below do not follow catalog tuning.</summary>
    static HardwareCalibration Pinned(Accelerator a) => Store.Calibration(a) with
    {
        MemoryEfficiency = 0.85,
        KernelOverhead = Seconds.FromMicroseconds(4),
        ServingIterationOverhead = Seconds.FromMilliseconds(3),
        RuntimeReserve = Bytes.FromGiB(4),
        Fragmentation = 0.10,
    };

    internal static (InferenceModel Model, Cluster Cluster) Build(string model, string system, int gpus, InferenceJob job, Precision weights)
    {
        var sys = Store.System(system);
        var acc = Store.Accelerator(sys.AcceleratorId);
        var cluster = Cluster.From(sys, acc, gpus);
        return (new InferenceModel(Store.Model(model).Spec, cluster, job, weights, Pinned(acc)), cluster);
    }

    /// <summary>A job without the engine's host time per sequence (EngineHostTimeTests holds that term), so the hand numbers below are the passes'.</summary>
    static InferenceJob Job(int input, int output, int? concurrency = null) =>
        new() { InputTokens = input, OutputTokens = output, Concurrency = concurrency, Limits = Domain.Frameworks.ServingLimits.Default with { HostPerSequence = Seconds.Zero } };

    [Fact]
    public void Kv_bytes_per_token_match_hand_counts()
    {
        // Llama-3-70B BF16: 2·80·8·128·2 = 327,680 B; DeepSeek-V3 MLA BF16: 61·(512+64)·2 = 70,272 B.
        Assert.Equal(327_680, KvCache.BytesPerToken(Store.Model("llama3.1-70b").Spec, Precision.BF16).Value);
        Assert.Equal(70_272, KvCache.BytesPerToken(Store.Model("deepseek-v3").Spec, Precision.BF16).Value);

        var (llama, _) = Build("llama3.1-70b", "dgx-h100", 8, Job(1000, 100), Precision.BF16);
        Assert.Equal(327_680 / 8, llama.KvBytesPerTokenPerGpu(new InferenceLayout(Tp: 8, Pp: 1, Ep: 1, DpAttention: 1, Replicas: 1)).Value);
        // MLA's latent is not sharded by TP: every TP rank holds the whole 70,272 B.
        var (ds, _) = Build("deepseek-v3", "hgx-h800", 8, Job(1000, 100), Precision.FP8);
        Assert.Equal(70_272, ds.KvBytesPerTokenPerGpu(new InferenceLayout(Tp: 8, Pp: 1, Ep: 8, DpAttention: 1, Replicas: 1)).Value);
    }

    [Fact]
    public void Decode_at_batch_one_is_memory_bound_at_weight_bytes_over_bandwidth()
    {
        var (m, _) = Build("llama3.1-8b", "dgx-h100", 1, Job(1, 1, 1), Precision.BF16);
        var l = new InferenceLayout(Tp: 1, Pp: 1, Ep: 1, DpAttention: 1, Replicas: 1);
        var step = m.DecodeStep(l, 1, 1);

        // Weights read per token: 32 layers × (attention 4096·(4096+2·1024) + 4096·4096 + MLP 3·4096·14336)
        // + LM head 128256·4096, all BF16 = 15,009,316,864 B, over 3.35 TB/s × 0.85.
        double weightBytes = (32.0 * (4096.0 * 6144 + 4096.0 * 4096 + 3.0 * 4096 * 14336) + 128256.0 * 4096) * 2;
        Assert.Equal(15_009_316_864, weightBytes);
        // The model also reads the 2·32+1 RMSNorm vectors (65·4096·2 B = 532,480 B) and one cached token (131,072 B).
        Assert.Equal(weightBytes + 532_480, step.WeightBytes.Value, 1.0);
        Assert.Equal(131_072, step.KvBytes.Value, 1e-6);
        double stream = weightBytes / (3.35e12 * 0.85);
        // Launch gaps: per layer 4 GEMMs + attention + 8 elementwise kernels; the head's GEMM and softmax; 4 µs each.
        double launches = (32 * 13 + 2) * 4e-6;
        double expected = stream + launches + 3e-3;
        Assert.Equal(Bottleneck.Memory, step.Bound);
        Assert.InRange(step.Total.Value / expected, 0.98, 1.02);
        Assert.Equal(0, step.TensorParallel.Value);
    }

    [Fact]
    public void Distinct_experts_follow_the_uniform_routing_formula()
    {
        // 8 experts, top-2: one token touches 2; two tokens 8·(1 − 0.75²) = 3.5; many tokens all 8.
        Assert.Equal(2.0, ExpertRouting.DistinctExperts(8, 2, 1), 12);
        Assert.Equal(3.5, ExpertRouting.DistinctExperts(8, 2, 2), 12);
        Assert.Equal(8.0, ExpertRouting.DistinctExperts(8, 2, 1000), 9);
        Assert.Equal(0.0, ExpertRouting.DistinctExperts(8, 2, 0));
    }

    [Fact]
    public void Speculative_decoding_yields_the_expected_tokens_and_divides_tpot()
    {
        // γ = 3, α = 0.8: (1 − 0.8⁴) / 0.2 = 2.952.
        Assert.Equal(2.952, SpeculativeDecoding.ExpectedTokens(3, 0.8), 12);
        Assert.Equal(1.0, SpeculativeDecoding.ExpectedTokens(0, 0.8));

        var job = Job(500, 500, 8) with { DraftTokens = 3, Acceptance = 0.8 };
        var (m, _) = Build("llama3.1-8b", "dgx-h100", 1, job, Precision.BF16);
        var est = m.Estimate(new InferenceLayout(Tp: 1, Pp: 1, Ep: 1, DpAttention: 1, Replicas: 1), TestRun.At(2.0));
        Assert.Equal(4, m.VerifyTokensPerStep);
        // Aggregated TPOT: a decode step, plus the stalls of the prompts replacing the 7 other sequences (each holds
        // its place for 499/2.952 decode iterations and one prefill: 7·2.952/(499 + 2.952) per step), over the
        // 2.952 tokens the step yields.
        Assert.Equal((est.DecodeStep.Total.Value + 7 * 2.952 / (499 + 2.952) * est.PrefillPerPrompt.Value) / 2.952, est.Tpot.Value, 12);
    }

    [Fact]
    public void Max_concurrency_matches_a_hand_budget()
    {
        // Llama 3.1 8B BF16 on one H100 (80 GiB = 85,899,345,920 B), memory fraction 0.9, 1000 in + 1000 out:
        // weights 16,060,522,496 B (layers with norms 6,979,584,000 params + embedding and head 1,050,673,152
        // + final norm 4,096, ×2 B);
        // workspace 8192·(8·4096 + 3·14336)·2 = 1,241,513,984; runtime 4 GiB + 10 % of the workspace;
        // usable 77,309,411,328 − 16,060,522,496 − 1,241,513,984 − 4,294,967,296 − 124,151,398.4 = 55,588,256,153.6 B
        // / 131,072 B per token = 424,102 tokens → ⌊424,102 / 2000⌋ = 212 sequences.
        var (m, _) = Build("llama3.1-8b", "dgx-h100", 1, Job(1000, 1000), Precision.BF16);
        var l = new InferenceLayout(Tp: 1, Pp: 1, Ep: 1, DpAttention: 1, Replicas: 1);
        Assert.Equal(16_060_522_496, m.WeightsPerGpu(l).Value);
        Assert.Equal(1_241_513_984, m.ActivationWorkspace(l).Value);
        Assert.Equal(424_102, m.KvCapacityTokens(l));
        Assert.Equal(212, m.MaxConcurrency(l));

        var est = m.Estimate(l, TestRun.At(2.0));
        Assert.Equal(212, est.Concurrency); // max-throughput mode takes the largest batch that fits
        Assert.True(est.Fits);
        Assert.True(est.MemoryGiBPerGpu <= 0.9 * 80);
    }

    [Fact]
    public void Experts_sharded_across_attention_groups_pay_for_moving_the_tokens()
    {
        // DeepSeek-V3 on 32 H800s with 32 attention groups. EP32: each token goes to its 8 experts' GPUs.
        // EP1 (every expert split 32 ways): each token goes to all 32 GPUs, min(8, 1)·32 / (min(8, 32)·1) = 4× the bytes.
        // EP32 waits for its busiest rank: 8,192 tokens put μ = 2,048 visits on a rank and the busiest of 32 receives
        // 1.045× the mean (ExpertImbalanceTests); EP1 has no busiest rank. Only the bytes grow, not the latency: 3.7-3.83×.
        var (m, _) = Build("deepseek-v3", "hgx-h800", 32, Job(1000, 100, 64), Precision.FP8);
        var wide = m.DecodeStep(new InferenceLayout(Tp: 1, Pp: 1, Ep: 32, DpAttention: 32, Replicas: 1), 32 * 256, 1000);
        var sharded = m.DecodeStep(new InferenceLayout(Tp: 1, Pp: 1, Ep: 1, DpAttention: 32, Replicas: 1), 32 * 256, 1000);
        Assert.True(sharded.ExpertParallel.Value > 0);
        Assert.Equal(1.0451, wide.ExpertImbalance, 4);
        Assert.Equal(1, sharded.ExpertImbalance);
        Assert.InRange(sharded.ExpertParallel.Value / wide.ExpertParallel.Value, 3.7, 3.83);
        // Plain tensor parallelism (one attention group) already has every token on every GPU: no dispatch.
        Assert.Equal(0, m.DecodeStep(new InferenceLayout(Tp: 8, Pp: 1, Ep: 1, DpAttention: 1, Replicas: 1), 64, 1000).ExpertParallel.Value);
    }

    [Fact]
    public void Pipeline_stages_decode_one_micro_batch_each()
    {
        // With pp = 2 the batch of 64 runs as two micro-batches of 32, each passing through both stages while the
        // other is in the other stage: the step equals a one-stage pass of 32 sequences (same layers, same weights
        // read) plus the activation hop between the stages, plus one more LM head: the last stage runs the head for
        // both micro-batches and sets the pace (2 × (40 layers + head) = 80 layers + 2 heads).
        var (m, _) = Build("llama3.1-70b", "dgx-h100", 8, Job(1000, 100, 64), Precision.FP8);
        var piped = m.DecodeStep(new InferenceLayout(Tp: 4, Pp: 2, Ep: 1, DpAttention: 1, Replicas: 1), 64, 1000);
        var single = m.DecodeStep(new InferenceLayout(Tp: 4, Pp: 1, Ep: 1, DpAttention: 1, Replicas: 1), 32, 1000);
        Assert.True(piped.PipelineP2P.Value > 0);
        // The extra head: 32 tokens against the BF16 LM head's tp4 shard, dominated by reading 128256/4 × 8192 × 2 bytes.
        double vocab = 128256, hidden = 8192, bytes = 2;
        double extraHead = piped.Total.Value - single.Total.Value - piped.PipelineP2P.Value;
        Assert.InRange(extraHead, vocab / 4 * hidden * bytes / (3.35e12 * 0.85), 1.5 * vocab / 4 * hidden * bytes / (3.35e12 * 0.85) + 20e-6);
        // One sequence cannot be split: it crosses both stages alone.
        Assert.Equal(m.DecodeStep(new InferenceLayout(Tp: 4, Pp: 1, Ep: 1, DpAttention: 1, Replicas: 1), 1, 1000).Total.Value + m.DecodeStep(new InferenceLayout(Tp: 4, Pp: 2, Ep: 1, DpAttention: 1, Replicas: 1), 1, 1000).PipelineP2P.Value,
            m.DecodeStep(new InferenceLayout(Tp: 4, Pp: 2, Ep: 1, DpAttention: 1, Replicas: 1), 1, 1000).Total.Value, 12);
    }

    [Fact]
    public void Ep_not_dividing_the_experts_is_rejected_with_one_message()
    {
        var ds = Store.Model("deepseek-v3").Spec;
        string? msg = new InferenceLayout(Tp: 1, Pp: 1, Ep: 3, DpAttention: 3, Replicas: 1).Validate(ds, 3);
        Assert.Equal("ep=3 does not divide the 256 experts of " + ds.Name + "; pick an ep that divides 256", msg);
        Assert.Null(new InferenceLayout(Tp: 1, Pp: 1, Ep: 32, DpAttention: 32, Replicas: 1).Validate(ds, 32));
        Assert.NotNull(new InferenceLayout(Tp: 1, Pp: 1, Ep: 64, DpAttention: 32, Replicas: 1).Validate(ds, 32)); // ep > GPUs of the stage
    }

    [Fact]
    public void Adapter_pure_decode_iteration_equals_the_estimator_decode_step()
    {
        var (m, _) = Build("llama3.1-70b", "dgx-h100", 8, Job(2000, 200, 64), Precision.FP8);
        var l = new InferenceLayout(Tp: 4, Pp: 1, Ep: 1, DpAttention: 1, Replicas: 2);
        IServingCostModel adapter = new InferenceCostAdapter(m, l);
        var shape = new IterationShape(0, 0, 64, 64 * 2100.0);
        Assert.Equal(m.DecodeStep(l, 64, 2100).Total.Value, adapter.IterationTime(shape).Value, 15);
        Assert.Equal(m.Estimate(l, TestRun.At(2.0)).DecodeStep.Total.Value, adapter.IterationTime(shape).Value, 15);
        Assert.Equal(m.KvCapacityTokens(l), adapter.KvCapacityTokens);
        Assert.Equal(Seconds.Zero, adapter.KvTransferTime(2000)); // aggregated: no transfer

        // A prefill chunk in the same iteration costs more than decode alone.
        var mixed = new IterationShape(512, 512 * 256.5, 64, 64 * 2100.0);
        Assert.True(adapter.IterationTime(mixed).Value > adapter.IterationTime(shape).Value);
    }

    [Fact]
    public void Moe_decode_reads_only_touched_experts_and_pays_all_to_all()
    {
        var job = Job(2000, 100, 32 * 8);
        var (m, _) = Build("deepseek-v3", "hgx-h800", 32, job, Precision.FP8);
        var l = new InferenceLayout(Tp: 1, Pp: 1, Ep: 32, DpAttention: 32, Replicas: 1);
        var small = m.DecodeStep(l, 32, 2050);   // 32 tokens: ~ 256·(1 − (1 − 8/256)^32) ≈ 162 experts touched
        var large = m.DecodeStep(l, 4096, 2050); // essentially all 256
        Assert.True(small.ExpertParallel.Value > 0);
        Assert.True(small.ByteBound.Value < large.ByteBound.Value);
        Assert.Equal(256 * (1 - Math.Pow(1 - 8.0 / 256, 32)), ExpertRouting.DistinctExperts(256, 8, 32), 9);
    }

    [Fact]
    public void Disaggregated_pools_report_transfer_and_balance()
    {
        var job = Job(4000, 500, 128) with { Mode = ServingMode.Disaggregated, PrefillGpus = 8, DecodeGpus = 16 };
        var (m, _) = Build("llama3.1-70b", "dgx-h100", 24, job, Precision.FP8);
        var l = new InferenceLayout(Tp: 8, Pp: 1, Ep: 1, DpAttention: 1, Replicas: 3);
        var est = m.Estimate(l, TestRun.At(2.0));
        var pools = est.Disaggregated!;
        // 4000 tokens × 327,680 B (BF16 KV) / 8 GPUs over 400 Gb/s × 0.93 plus 12 µs.
        var cal = Pinned(Store.Accelerator("h100-sxm"));
        double expected = 4000 * 327_680 / 8.0 / (50e9 * cal.ScaleOut.BusBandwidthEfficiency) + cal.ScaleOut.Latency.Value;
        Assert.Equal(expected, pools.KvTransfer.Value, 9);
        Assert.True(pools.BalancedPrefillPerDecodeGpu > 0);
        Assert.Equal(Math.Min(pools.PrefillRequestsPerSecond, pools.DecodeRequestsPerSecond) * 500, est.OutputTokensPerSecondTotal, 6);
        Assert.True(est.Ttft.Value > est.PrefillIteration.Overhead.Value + pools.KvTransfer.Value);
        Assert.True(est.UsdPerMillionOutputTokens > 0 && est.JoulesPerOutputToken > 0);
    }
}
