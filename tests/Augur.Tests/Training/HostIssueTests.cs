using Augur.CostModels.Operators;
using Augur.CostModels.Training;
using Augur.Domain;
using Augur.Domain.Hardware;
using Augur.Domain.Workloads;
using Augur.Units;

namespace Augur.Tests.Training;

/// <summary>
/// The host's time to issue eager work (<see cref="HostIssueCost"/>): after the MoE dispatcher's synchronisation a layer
/// takes the longer of its GPU and host times; elsewhere the host runs ahead; CUDA graphs remove what they capture.
/// Numbers worked out by hand.
/// </summary>
public class HostIssueTests
{
    static readonly HostIssue Host = new()
    {
        AttentionForward = Seconds.FromMicroseconds(100), RouterForward = Seconds.FromMicroseconds(200),
        ExchangeForward = Seconds.FromMicroseconds(50), ExpertForward = Seconds.FromMicroseconds(10), GemmCall = Seconds.FromMicroseconds(5),
    };

    const double Us = 1e-6;

    [Fact]
    public void An_moe_layer_whose_gpu_time_is_below_its_host_time_takes_the_host_time()
    {
        var host = HostIssueCost.For(Host, CudaGraphScopes.None);
        // Host forward: 100 + 200 + 50 + 16 × 10 = 510 µs; the GPU's 300 µs waits 210 µs for it.
        // Backward host: 510 + (2 + 1 + 2·16) × 5 = 685 µs, under the GPU's 2,000 µs: the host runs ahead, no wait.
        Assert.Equal(510 * Us, host.MoeForward(16), 12);
        Assert.Equal(685 * Us, host.MoeBackward(16), 12);
        Assert.Equal(210 * Us, host.Wait(0, 1, 16, 0, 300 * Us, 2000 * Us, backward: true, recomputeForward: false, moeReruns: false), 12);
        // A GPU slower than the host hides it.
        Assert.Equal(0, host.Wait(0, 1, 16, 0, 600 * Us, 2000 * Us, backward: true, recomputeForward: false, moeReruns: false));
    }

    [Fact]
    public void A_slower_host_takes_as_much_longer_for_every_module()
    {
        // A host taking 2.75x the measured host's time per operation (catalog/accelerators/gb200.yaml host_cpu): the MoE
        // forward's 510 µs becomes 1,402.5 µs, and the GPU's 300 µs waits 1,102.5 µs for it.
        var grace = HostIssueCost.For(Host, CudaGraphScopes.None, 2.75);
        Assert.Equal(1402.5 * Us, grace.MoeForward(16), 12);
        Assert.Equal(1102.5 * Us, grace.Wait(0, 1, 16, 0, 300 * Us, 5000 * Us, backward: true, recomputeForward: false, moeReruns: false), 12);
        Assert.Equal(2.75, Augur.Catalog.Loading.CatalogStore.Default.Accelerator("gb200").HostOpTime);
        Assert.Equal(1, Augur.Catalog.Loading.CatalogStore.Default.Accelerator("b200").HostOpTime);
    }

    [Theory]
    [InlineData("{name: x, op_time_vs_x86: 0}", "host_cpu.op_time_vs_x86: 0 is out of range; use 0.1 to 100")]
    [InlineData("{name: x}", "host_cpu.op_time_vs_x86: give the host's time per framework operation")]
    [InlineData("{name: x, op_time_vs_x86: 2, speed: 3}", "speed")]
    public void A_host_cpu_without_a_sane_op_time_is_refused_in_one_line(string cpu, string expected)
    {
        var e = Assert.Throws<InputException>(() => Scenarios.FromYaml(
            $"workload: training\nmodel: llama3.1-8b\nhardware: {{base: b200, host_cpu: {cpu}}}\ncluster: {{gpus: 8}}\nprecision: bf16\ntraining: {{seq_len: 4096, global_batch: 64}}\n"));
        Assert.Contains(expected, e.Message);
        Assert.DoesNotContain("\n", e.Message);
    }

    [Fact]
    public void A_rerun_moe_block_is_issued_again_in_the_backward()
    {
        var host = HostIssueCost.For(Host, CudaGraphScopes.None);
        // The MoE block alone: 200 + 50 + 16 × 10 = 410 µs. Backward host 685 + 410 = 1,095 µs against the GPU's 1,000 µs:
        // 95 µs more than the forward's 210 µs wait. Full recompute issues the whole forward again: 685 + 510 − 1,000 = 195 µs.
        Assert.Equal(410 * Us, host.MoeBlockForward(16), 12);
        Assert.Equal(210 * Us, host.Wait(0, 1, 16, 0, 300 * Us, 1000 * Us, backward: true, recomputeForward: false, moeReruns: false), 12);
        Assert.Equal(305 * Us, host.Wait(0, 1, 16, 0, 300 * Us, 1000 * Us, backward: true, recomputeForward: false, moeReruns: true), 12);
        Assert.Equal(405 * Us, host.Wait(0, 1, 16, 0, 300 * Us, 1000 * Us, backward: true, recomputeForward: true, moeReruns: true), 12);
    }

    [Fact]
    public void Each_synchronisation_starts_a_segment_of_one_moe_layer_and_its_share_of_the_dense_layers()
    {
        var host = HostIssueCost.For(Host, CudaGraphScopes.None);
        // 2 MoE and 2 dense layers: segments of one MoE and one dense layer. Dense forward host: 100 + 2 × 5 = 110 µs.
        // Segment host 510 + 110 = 620 µs against GPU 300 + 200 = 500 µs: 120 µs each, 240 µs for the pass's forward.
        Assert.Equal(110 * Us, host.DenseForward, 12);
        Assert.Equal(240 * Us, host.Wait(2, 2, 16, 200 * Us, 300 * Us, 1, backward: false, recomputeForward: false, moeReruns: false), 12);
    }

    [Fact]
    public void Dense_layers_with_large_gemms_are_unchanged()
    {
        var host = HostIssueCost.For(Host, CudaGraphScopes.None);
        // 4 dense layers of 5 ms GPU forward each against 110 µs of host each: the host runs ahead, nothing waits.
        Assert.Equal(0, host.Wait(4, 0, 0, 5e-3, 0, 40e-3, backward: true, recomputeForward: false, moeReruns: false));
        // Small ones (50 µs each) wait over the whole pass: forward 4 × (110 − 50) = 240 µs; backward host
        // 4 × (110 + (2 + 2) × 5) = 520 µs against the GPU's 100 µs: 420 µs.
        Assert.Equal(660 * Us, host.Wait(4, 0, 0, 50 * Us, 0, 100 * Us, backward: true, recomputeForward: false, moeReruns: false), 12);
    }

    [Fact]
    public void Cuda_graphs_remove_the_host_time_of_what_they_capture()
    {
        // attn, moe_router and moe_preprocess: 50 + 16 × 10 = 210 µs left, under the GPU's 300 µs.
        var graphed = HostIssueCost.For(Host, CudaGraphScopes.Attention | CudaGraphScopes.MoeRouter | CudaGraphScopes.MoePreprocess);
        Assert.Equal(210 * Us, graphed.MoeForward(16), 12);
        Assert.Equal(0, graphed.Wait(0, 1, 16, 0, 300 * Us, 2000 * Us, backward: true, recomputeForward: false, moeReruns: false));
        // The backward drops their GEMM calls too: 210 + 2 · 16 × 5 = 370 µs.
        Assert.Equal(370 * Us, graphed.MoeBackward(16), 12);
        // moe_router alone captures half the measured router-and-preprocess time: 100 + 100 + 50 + 160 = 410 µs.
        Assert.Equal(410 * Us, HostIssueCost.For(Host, CudaGraphScopes.MoeRouter).MoeForward(16), 12);
        // A full-iteration graph, or hardware with no host measurement, has no host time at all.
        Assert.False(HostIssueCost.For(Host, CudaGraphScopes.FullIteration).Modelled);
        Assert.False(HostIssueCost.For(null, CudaGraphScopes.None).Modelled);
        Assert.Equal(0, HostIssueCost.For(null, CudaGraphScopes.None).Wait(0, 1, 16, 0, 0, 0, backward: true, recomputeForward: false, moeReruns: false));
    }

    const string Qwen = """
        workload: training
        model: qwen3-30b-a3b
        hardware: dgx-b200
        cluster: {gpus: 8}
        precision: fp8
        parallelism: {tp: 1, pp: 1, dp: 8, ep: 8, etp: 1, microbatch: 1, recompute: none}
        training: {seq_len: 4096, global_batch: 8, attention: flash, routing: balanced, GRAPHS}
        """;

    static TrainingEstimate Estimate(string graphs)
    {
        var s = Scenarios.FromYaml(Qwen.Replace("GRAPHS", graphs));
        return Scenarios.Training(s).Estimate(LayoutDefaults.Complete(s.Layout, 8));
    }

    [Fact]
    public void A_training_step_lists_the_wait_and_a_full_graph_removes_exactly_it()
    {
        var eager = Estimate("cuda_graphs: none");
        var full = Estimate("cuda_graphs: full");
        Assert.NotNull(eager.Breakdown.HostIssue);
        Assert.Null(full.Breakdown.HostIssue);
        Assert.Contains(eager.Breakdown.Parts(), p => p.Name == "host_issue");
        // One micro-batch, one stage: the wait is the whole difference.
        Assert.Equal(full.StepTime.Value + eager.Breakdown.HostIssue!.Value.Value, eager.StepTime.Value, 9);
    }

    [Fact]
    public void Graphing_attention_and_the_router_saves_their_measured_host_time_in_a_host_bound_step()
    {
        // Qwen3-30B-A3B at one 4,096-token micro-batch per B200 is host-bound forward and backward either way (the host's
        // 6,561 µs forward per layer eager, 3,055 µs graphed, both above the layer's GPU time). Per MoE layer the
        // graphs save attention 1,790 + router 1,716 µs forward, and those plus three GEMM calls (2 attention, 1 router)
        // × 13.7 µs backward: 48 layers × (3,506 + 3,506 + 41.1) µs = 338.5488 ms.
        double eager = Estimate("cuda_graphs: none").Breakdown.HostIssue!.Value.Value;
        double graphed = Estimate("cuda_graphs: [attn, moe_router, moe_preprocess]").Breakdown.HostIssue!.Value.Value;
        Assert.Equal(48 * (3506 + 3506 + 3 * 13.7) * Us, eager - graphed, 9);
    }

    [Fact]
    public void The_accelerators_host_scales_the_training_steps_host_time()
    {
        // The step above is host-bound eager and graphed, so every host time the graphs remove grows with the host's op
        // time: on a host 2.75x slower (Grace's factor, given inline on a B200) they save 2.75 × 48 × 7,053.1 µs.
        double Saved(string hardware)
        {
            TrainingEstimate Run(string graphs)
            {
                var s = Scenarios.FromYaml(Qwen.Replace("hardware: dgx-b200", "hardware: " + hardware).Replace("GRAPHS", graphs));
                return Scenarios.Training(s).Estimate(LayoutDefaults.Complete(s.Layout, 8));
            }
            return Run("cuda_graphs: none").Breakdown.HostIssue!.Value.Value - Run("cuda_graphs: [attn, moe_router, moe_preprocess]").Breakdown.HostIssue!.Value.Value;
        }
        Assert.Equal(2.75 * 48 * (3506 + 3506 + 3 * 13.7) * Us, Saved("{base: dgx-b200, host_cpu: {name: slow host, op_time_vs_x86: 2.75}}"), 9);
        // A GB200's Grace host set back to an x86 one's op time (only the key given; the host's name stays the base's).
        Assert.Equal(48 * (3506 + 3506 + 3 * 13.7) * Us, Saved("{base: gb200-nvl72, host_cpu: {op_time_vs_x86: 1}}"), 9);
    }

    [Fact]
    public void A_compiled_step_neither_syncs_before_dispatch_nor_waits_on_the_host()
    {
        // The same Qwen3-30B-A3B step on 8 TPU7x chips (dropless, no capacity factor). The google-tpu family compiles the step
        // (MaxText's jitted train step counts expert rows on the device), so it pays no stall; taken as eager, each of the 48
        // MoE layers' forward idles one 26.1 µs round trip per micro-batch: 4 micro-batches × 48 × 26.1 µs = 5.0112 ms.
        var s = Scenarios.FromYaml(Qwen.Replace("dgx-b200", "tpu-v7-pod").Replace("fp8", "bf16").Replace("global_batch: 8", "global_batch: 32")
            .Replace("GRAPHS", "overlap_dp: false"));
        var cal = Augur.Catalog.Loading.CatalogStore.Default.Calibration(s.Cluster.Accelerator);
        Assert.True(cal.CompiledStep);
        var l = LayoutDefaults.Complete(s.Layout, 8);
        var compiled = new TrainingModel(s.Model, s.Cluster, s.Training!, cal).Estimate(l);
        var eager = new TrainingModel(s.Model, s.Cluster, s.Training!, cal with { CompiledStep = false }).Estimate(l);
        Assert.Null(compiled.Breakdown.HostIssue);
        Assert.Equal(4 * 48 * 26.1 * Us, eager.StepTime.Value - compiled.StepTime.Value, 9);
    }

    [Theory]
    [InlineData("[attn, moe_router, moe_preprocess]", CudaGraphScopes.Attention | CudaGraphScopes.MoeRouter | CudaGraphScopes.MoePreprocess)]
    [InlineData("attn+mlp", CudaGraphScopes.Attention | CudaGraphScopes.Mlp)]
    [InlineData("full", CudaGraphScopes.FullIteration)]
    [InlineData("none", CudaGraphScopes.None)]
    public void Scenario_files_name_megatrons_scopes(string text, CudaGraphScopes expected) =>
        Assert.Equal(expected, Scenarios.FromYaml(Qwen.Replace("GRAPHS", "cuda_graphs: " + text)).Training!.CudaGraphs);

    [Fact]
    public void Megatron_s_default_is_no_graph() =>
        Assert.Equal(CudaGraphScopes.None, Scenarios.FromYaml(Qwen.Replace(", GRAPHS", "")).Training!.CudaGraphs);

    [Theory]
    [InlineData("[moe_preprocess]", "only with moe_router")]
    [InlineData("[atn]", "did you mean 'attn'")]
    [InlineData("[moe]", "drop-and-pad")]
    [InlineData("[full, attn]", "cannot be listed with scopes")]
    [InlineData("[]", "the list is empty")]
    public void Bad_scopes_get_one_line_saying_how_to_fix_them(string text, string message)
    {
        var e = Assert.Throws<InputException>(() => Scenarios.FromYaml(Qwen.Replace("GRAPHS", "cuda_graphs: " + text)));
        Assert.Contains(message, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }
}
