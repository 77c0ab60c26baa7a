using Augur.Catalog.Loading;
using Augur.CostModels.Inference;
using Augur.Domain.Frameworks;
using Augur.Domain.Hardware;
using Augur.Domain.Workloads;
using Augur.Units;

namespace Augur.Tests.Inference;

/// <summary>
/// vLLM V1's synchronous scheduler: 19.5 µs of host time per scheduled sequence per step (catalog/frameworks/vllm.yaml:
/// the 5 ms gap issue vllm-project/vllm #10634 measured at batch 256, 5000 / 256 = 19.53 µs), all of it paid unless the
/// scenario turns on vLLM's async scheduling; TensorRT-LLM's overlap-scheduled executor: 27.19 µs on x86
/// (catalog/frameworks/trtllm.yaml: 45.11 ms per iteration at 1,536 sequences on GB200, NVIDIA/TensorRT-LLM PR #10273,
/// over Grace's Python-call ratio 1.08, pytorch/pytorch issue #187862), paid only above the GPU's step; none for SGLang.
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
            Assert.Equal(27.19e-6, Limits(trt).HostPerSequence.Value, 12);
            Assert.True(Limits(trt).HostOverlapsGpu);
        }
    }

    [Fact]
    public void An_overlapped_host_costs_only_what_exceeds_the_gpus_step_and_a_grace_host_takes_longer()
    {
        var job = new InferenceJob { InputTokens = 128, OutputTokens = 128, Limits = new ServingLimits("trtllm", 4096, 8192) { HostPerSequence = Seconds.FromMicroseconds(27.19), HostOverlapsGpu = true } };
        var one = new InferenceLayout(Tp: 1, Pp: 1, Ep: 1, DpAttention: 1, Replicas: 1);
        foreach (var (hardware, pythonTime) in new[] { ("dgx-b200", 1.0), ("gb200-nvl72", 1.08) })
        {
            var (model, _) = InferenceModelTests.Build("llama3.1-8b", hardware, 1, job, Precision.BF16);
            foreach (int batch in new[] { 16, 4096 })
            {
                var step = model.DecodeStep(one, batch, 192);
                double gpu = step.Total.Value - step.Overhead.Value;
                // Blackwell's calibrated 3 ms per iteration, plus batch × 27.19 µs × the host's Python time beyond the GPU's step.
                double host = batch * 27.19e-6 * pythonTime;
                Assert.Equal(3e-3 + Math.Max(0, host - gpu), step.Overhead.Value, 9);
            }
        }
        // At 4,096 sequences the Grace host's 120.3 ms outlasts Llama 3.1 8B's decode step; at 16, 0.47 ms hides under it.
        var (grace, _) = InferenceModelTests.Build("llama3.1-8b", "gb200-nvl72", 1, job, Precision.BF16);
        Assert.True(grace.DecodeStep(one, 4096, 192).Overhead.Value > 3e-3);
        Assert.Equal(3e-3, grace.DecodeStep(one, 16, 192).Overhead.Value, 12);
        // vLLM's synchronous loop pays all of it, on Grace 256 × 19.5 µs × 1.08 = 5.39136 ms.
        var (vllm, _) = InferenceModelTests.Build("llama3.1-8b", "gb200-nvl72", 1, new InferenceJob { InputTokens = 128, OutputTokens = 128 }, Precision.BF16);
        Assert.Equal(3e-3 + 5.39136e-3, vllm.DecodeStep(one, 256, 192).Overhead.Value, 9);
    }

    [Fact]
    public void The_grace_host_reproduces_the_iteration_tensorrt_llm_measured_on_it()
    {
        // NVIDIA/TensorRT-LLM PR #10273: host_step_time 45.11 ms per iteration at 1,536 sequences per rank on GB200. The x86
        // figure times Grace's Python-call ratio (70.7 / 65.5 ns, pytorch/pytorch issue #187862) gives it back within 0.1%.
        var grace = Store.Accelerator("gb200");
        Assert.Equal(1.08, grace.HostPythonTime, 12);
        Assert.Equal(2.75, grace.HostOpTime, 12);
        Assert.Equal(45.11e-3, Limits("trtllm").HostPerSequence.Value * grace.HostPythonTime * 1536, 1e-4);
        Assert.Equal(1, Store.Accelerator("h100-sxm").HostPythonTime);
    }

    [Fact]
    public void Vllm_with_async_scheduling_hides_its_loop_under_the_gpus_step()
    {
        // 256 sequences × 19.5 µs = 4.992 ms of scheduler time on an H100's x86 host: all of it paid by the synchronous
        // loop, only what exceeds the GPU's step with --async-scheduling (the decode step of Llama 3.1 8B at 256 sequences
        // reads 16 GB of weights and its KV cache, several ms, so nothing is left).
        var sync = InferenceScenario.Read(", engine: vllm");
        var overlap = InferenceScenario.Read(", engine: vllm, async_scheduling: true");
        Assert.False(sync.Limits.HostOverlapsGpu);
        Assert.True(overlap.Limits.HostOverlapsGpu);
        var (a, _) = InferenceModelTests.Build("llama3.1-8b", "dgx-h100", 1, sync, Precision.BF16);
        var (b, _) = InferenceModelTests.Build("llama3.1-8b", "dgx-h100", 1, overlap, Precision.BF16);
        var one = new InferenceLayout(Tp: 1, Pp: 1, Ep: 1, DpAttention: 1, Replicas: 1);
        var synchronous = a.DecodeStep(one, 256, 1100);
        var overlapped = b.DecodeStep(one, 256, 1100);
        Assert.True(synchronous.Total.Value - synchronous.Overhead.Value > 4.992e-3, "the GPU's step is meant to outlast the loop");
        Assert.Equal(4.992e-3, synchronous.Overhead.Value - overlapped.Overhead.Value, 9);
    }

    [Fact]
    public void An_moe_deployment_s_overlapped_host_schedules_per_attention_group()
    {
        // Qwen3-30B-A3B on 4 GB200s, 4,096 decoding sequences. Attention DP 4 with EP 4: each rank's scheduler walks
        // 1,024 sequences, 1,024 × 27.19 µs × 1.08 = 30.0699648 ms of host per iteration; TP 4: one scheduler walks all
        // 4,096, 120.2798592 ms. Either pays only what exceeds its GPU step, on top of Blackwell's 3 ms.
        var job = new InferenceJob { InputTokens = 128, OutputTokens = 128, Limits = new ServingLimits("trtllm", 4096, 8192) { HostPerSequence = Seconds.FromMicroseconds(27.19), HostOverlapsGpu = true } };
        var (model, _) = InferenceModelTests.Build("qwen3-30b-a3b", "gb200-nvl72", 4, job, Precision.BF16);
        foreach (var (layout, host) in new[]
        {
            (new InferenceLayout(Tp: 1, Pp: 1, Ep: 4, DpAttention: 4, Replicas: 1), 30.0699648e-3),
            (new InferenceLayout(Tp: 4, Pp: 1, Ep: 1, DpAttention: 1, Replicas: 1), 120.2798592e-3),
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
