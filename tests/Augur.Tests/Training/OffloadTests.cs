using Augur.Domain;
using Augur.Domain.Parallelism;

namespace Augur.Tests.Training;

/// <summary>Activation offload to host memory and 16-bit gradient buffers, as a scenario states them.</summary>
public class OffloadTests
{
    static string Yaml(string training, string hardware = "h100-sxm", string parallelism = "{tp: 1, pp: 1, dp: 8, microbatch: 1, recompute: none}") => $"""
        workload: training
        model: llama3.1-8b
        hardware: {hardware}
        cluster: {"{"}gpus: 8{"}"}
        parallelism: {parallelism}
        training: {"{"}seq_len: 4096, global_batch: 64, {training}{"}"}
        """;

    [Fact]
    public void A_copy_longer_than_the_pass_it_hides_behind_is_paid_both_ways()
    {
        // Llama 3.1 8B, bf16, tp1, no recompute, 4,096 tokens: per token 8d (two norm inputs and the QKV/MLP inputs)
        // + 2·32·128 + 4·8·128 + 2·4096 (Q, K, V, attention output) + 6·14336 (gated MLP) = 139,264 bytes, so a layer
        // keeps 570,425,344 bytes; 8 offloaded layers move 4,563,402,752 bytes each way per micro-batch. Over a
        // 2 MB/s host link that is 2,281.7 s, far longer than the pass: 8 micro-batches pay about 2 × 8 × 2,281.7 s.
        var s = Scenarios.FromYaml(Yaml("offload_layers: 8", "{base: h100-sxm, host_memory: {name: slow, gb: 1000, gb_s_one_way: 0.002}}"));
        var model = Scenarios.Training(s);
        var l = new ParallelLayout(Tp: 1, Pp: 1, Vp: 1, Dp: 8, Cp: 1, Ep: 1, Etp: 1, Sp: false, Zero: 0, MicroBatch: 1, Recompute: Recompute.None);
        var e = model.Estimate(l);
        double copy = 4_563_402_752.0 / 2e6;
        Assert.Equal(8, e.MicroBatches);
        Assert.InRange(e.Breakdown.HostOffload!.Value.Value, 2 * 8 * copy * 0.999, 2 * 8 * copy);
        Assert.Contains(e.Breakdown.Parts(), p => p.Name == "host_offload");
    }

    [Fact]
    public void A_copy_the_pass_hides_costs_nothing_and_no_offload_lists_no_part()
    {
        // The same 4.56 GB over Grace's NVLink-C2C (225 GB/s one way): 20 ms, well inside an 8B layer stack's pass.
        var offloaded = Scenarios.Training(Scenarios.FromYaml(Yaml("offload_layers: 8", "gb200"))).Estimate(new ParallelLayout(Tp: 1, Pp: 1, Vp: 1, Dp: 8, Cp: 1, Ep: 1, Etp: 1, Sp: false, Zero: 0, MicroBatch: 1, Recompute: Recompute.None));
        Assert.Equal(0, offloaded.Breakdown.HostOffload!.Value.Value);
        var kept = Scenarios.Training(Scenarios.FromYaml(Yaml("grad_precision: bf16", "gb200"))).Estimate(new ParallelLayout(Tp: 1, Pp: 1, Vp: 1, Dp: 8, Cp: 1, Ep: 1, Etp: 1, Sp: false, Zero: 0, MicroBatch: 1, Recompute: Recompute.None));
        Assert.Null(kept.Breakdown.HostOffload);
        Assert.DoesNotContain(kept.Breakdown.Parts(), p => p.Name == "host_offload");
        Assert.True(offloaded.Memory.Activations < kept.Memory.Activations);
    }

    [Theory]
    [InlineData("offload_layers: 32", "h100-sxm", "{tp: 1, pp: 1}", "has 32; offload at most 31")]
    [InlineData("offload_layers: 4", "h100-sxm", "{tp: 1, pp: 2}", "without pipeline parallelism")]
    [InlineData("offload_layers: 4", "h800", "{tp: 1, pp: 1}", "no host memory tier")]
    [InlineData("grad_precision: fp16", "h100-sxm", "{tp: 1, pp: 1}", "use fp32 or bf16")]
    [InlineData("offload_layers: -1", "h100-sxm", "{tp: 1, pp: 1}", "offload_layers")]
    public void Settings_a_run_cannot_have_are_refused_in_one_line(string training, string hardware, string parallelism, string expected)
    {
        var e = Assert.Throws<InputException>(() => Scenarios.FromYaml(Yaml(training, hardware, parallelism)));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }
}
