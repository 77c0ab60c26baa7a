using Augur.Catalog.Loading;
using Augur.CostModels.Inference;
using Augur.Domain.Frameworks;
using Augur.Domain.Hardware;
using Augur.Domain.Workloads;
using Augur.Units;

namespace Augur.Tests.Inference;

/// <summary>
/// vLLM V1's synchronous scheduler: 19.5 µs of host time per scheduled sequence per step (catalog/frameworks/vllm.yaml:
/// the 5 ms gap issue vllm-project/vllm #10634 measured at batch 256, 5000 / 256 = 19.53 µs), all of it paid; TensorRT-LLM's
/// overlap-scheduled executor: 10.68 µs on x86 (catalog/frameworks/trtllm.yaml: 45.11 ms per iteration at 1,536
/// sequences on GB200, NVIDIA/TensorRT-LLM PR #10273, over Grace's 2.75), paid only above the GPU's step; none for SGLang.
/// </summary>
public class EngineHostTimeTests
{
    static readonly CatalogStore Store = CatalogStore.Default;

    static ServingLimits Limits(string engine) => Store.ServingEngine(engine).For(Store.Accelerator("h100-sxm"))!;

    [Fact]
    public void Each_engine_records_its_host_time_per_sequence_and_whether_it_overlaps_the_gpu()
    {
        Assert.Equal(19.5e-6, Limits("vllm").HostPerSequence.Value, 12);
        Assert.False(Limits("vllm").HostOverlapsGpu);
        Assert.Equal(0, Limits("sglang").HostPerSequence.Value);
        foreach (var trt in new[] { "trtllm", "trtllm-bench" })
        {
            Assert.Equal(10.68e-6, Limits(trt).HostPerSequence.Value, 12);
            Assert.True(Limits(trt).HostOverlapsGpu);
        }
    }

    [Fact]
    public void An_overlapped_host_costs_only_what_exceeds_the_gpus_step_and_a_grace_host_takes_longer()
    {
        var job = new InferenceJob { InputTokens = 128, OutputTokens = 128, Limits = new ServingLimits("trtllm", 4096, 8192) { HostPerSequence = Seconds.FromMicroseconds(10.68), HostOverlapsGpu = true } };
        var one = new InferenceLayout(Tp: 1, Pp: 1, Ep: 1, DpAttention: 1, Replicas: 1);
        foreach (var (hardware, opTime) in new[] { ("dgx-b200", 1.0), ("gb200-nvl72", 2.75) })
        {
            var (model, _) = InferenceModelTests.Build("llama3.1-8b", hardware, 1, job, Precision.BF16);
            foreach (int batch in new[] { 16, 4096 })
            {
                var step = model.DecodeStep(one, batch, 192);
                double gpu = step.Total.Value - step.Overhead.Value;
                // Blackwell's calibrated 3 ms per iteration, plus batch × 10.68 µs × the host's op time beyond the GPU's step.
                double host = batch * 10.68e-6 * opTime;
                Assert.Equal(3e-3 + Math.Max(0, host - gpu), step.Overhead.Value, 9);
            }
        }
        // At 4,096 sequences the Grace host's 119.6 ms outlasts Llama 3.1 8B's decode step; at 16, 0.47 ms hides under it.
        var (grace, _) = InferenceModelTests.Build("llama3.1-8b", "gb200-nvl72", 1, job, Precision.BF16);
        Assert.True(grace.DecodeStep(one, 4096, 192).Overhead.Value > 3e-3);
        Assert.Equal(3e-3, grace.DecodeStep(one, 16, 192).Overhead.Value, 12);
        // vLLM's synchronous loop pays all of it, on Grace 256 × 19.5 µs × 2.75 = 13.728 ms.
        var (vllm, _) = InferenceModelTests.Build("llama3.1-8b", "gb200-nvl72", 1, new InferenceJob { InputTokens = 128, OutputTokens = 128 }, Precision.BF16);
        Assert.Equal(3e-3 + 13.728e-3, vllm.DecodeStep(one, 256, 192).Overhead.Value, 9);
    }

    [Fact]
    public void An_moe_deployment_s_overlapped_host_schedules_per_attention_group()
    {
        // Qwen3-30B-A3B on 4 GB200s, 4,096 decoding sequences. Attention DP 4 with EP 4: each rank's scheduler walks
        // 1,024 sequences, 1,024 × 10.68 µs × 2.75 = 30.07488 ms of host per iteration; TP 4: one scheduler walks all
        // 4,096, 120.29952 ms. Either pays only what exceeds its GPU step, on top of Blackwell's 3 ms.
        var job = new InferenceJob { InputTokens = 128, OutputTokens = 128, Limits = new ServingLimits("trtllm", 4096, 8192) { HostPerSequence = Seconds.FromMicroseconds(10.68), HostOverlapsGpu = true } };
        var (model, _) = InferenceModelTests.Build("qwen3-30b-a3b", "gb200-nvl72", 4, job, Precision.BF16);
        foreach (var (layout, host) in new[]
        {
            (new InferenceLayout(Tp: 1, Pp: 1, Ep: 4, DpAttention: 4, Replicas: 1), 30.07488e-3),
            (new InferenceLayout(Tp: 4, Pp: 1, Ep: 1, DpAttention: 1, Replicas: 1), 120.29952e-3),
        })
        {
            var step = model.DecodeStep(layout, 4096, 192);
            double gpu = step.Total.Value - step.Overhead.Value;
            Assert.True(host > gpu, "the case is meant to be host-bound");
            Assert.Equal(3e-3 + host - gpu, step.Overhead.Value, 9);
        }
    }

    [Fact]
    public void A_scenario_naming_vllm_pays_it_and_one_naming_no_engine_does_not()
    {
        static InferenceJob Read(string engine) => InferenceScenario.Read(engine);
        Assert.Equal(19.5e-6, Read(", engine: vllm").Limits.HostPerSequence.Value, 12);
        var unnamed = Read("").Limits;
        Assert.Equal(0, unnamed.HostPerSequence.Value);
        // The batch limits stay vllm's.
        Assert.Equal((1024, 8192), (unnamed.MaxBatch!.Value, unnamed.TokenBudget));
    }

    [Fact]
    public void A_decode_step_pays_the_host_time_of_the_sequences_its_scheduler_walks()
    {
        var vllm = new InferenceJob { InputTokens = 1000, OutputTokens = 200 };
        var overlapped = vllm with { Limits = ServingLimits.Default with { HostPerSequence = Seconds.Zero } };
        var (a, _) = InferenceModelTests.Build("llama3.1-8b", "dgx-h100", 2, vllm, Precision.BF16);
        var (b, _) = InferenceModelTests.Build("llama3.1-8b", "dgx-h100", 2, overlapped, Precision.BF16);

        // One scheduler over 256 decoding sequences: 256 × 19.5 µs = 4.992 ms, added to the overhead alone.
        var one = new InferenceLayout(Tp: 1, Pp: 1, Ep: 1, DpAttention: 1, Replicas: 1);
        var slow = a.DecodeStep(one, 256, 1100);
        var fast = b.DecodeStep(one, 256, 1100);
        Assert.Equal(4.992e-3, slow.Overhead.Value - fast.Overhead.Value, 9);
        Assert.Equal(4.992e-3, slow.Total.Value - fast.Total.Value, 9);

        // A mixed step: 100 decodes and 3 prompts of 1000 tokens are 103 requests, 103 × 19.5 µs = 2.0085 ms.
        var mixedSlow = a.Iteration(one, 3000, 3000 * 500.0, 100, 100 * 1100.0, 3);
        var mixedFast = b.Iteration(one, 3000, 3000 * 500.0, 100, 100 * 1100.0, 3);
        Assert.Equal(2.0085e-3, mixedSlow.Overhead.Value - mixedFast.Overhead.Value, 9);

        // Two data-parallel attention ranks each schedule their own half: 128 × 19.5 µs = 2.496 ms.
        var dp = new InferenceLayout(Tp: 1, Pp: 1, Ep: 1, DpAttention: 2, Replicas: 1);
        Assert.Equal(2.496e-3, a.DecodeStep(dp, 256, 1100).Overhead.Value - b.DecodeStep(dp, 256, 1100).Overhead.Value, 9);
    }
}
