using Augur.CostModels.Training;
using Augur.Domain;

namespace Augur.Tests.Training;

/// <summary>training.optimizer_precision: bf16 parameters as their own master, bf16 moments and gradients.</summary>
public class OptimizerPrecisionTests
{
    static string Yaml(int zero, string extra) => $$"""
        workload: training
        model: qwen3-30b-a3b
        hardware: dgx-h100
        cluster: {gpus: 8}
        precision: bf16
        parallelism: {tp: 1, pp: 1, dp: 8, ep: 8, zero: {{zero}}, microbatch: 1, recompute: full}
        training: {seq_len: 4096, global_batch: 64, grad_precision: fp32{{extra}}}
        """;

    [Theory]
    // Per parameter, fp32: 4-byte gradients, 12 bytes of optimizer (master, two moments). bf16: 2-byte gradients, the two
    // bf16 moments (4 bytes), and at ZeRO 1-2 the parameter's own 2-byte shard beside the unsharded weights (6 bytes).
    [InlineData(0, 4.0 / 12)]
    [InlineData(1, 6.0 / 12)]
    [InlineData(2, 6.0 / 12)]
    [InlineData(3, 4.0 / 12)]
    public void Bf16_state_holds_what_pytorch_adam_on_bf16_parameters_holds(int zero, double optimizerRatio)
    {
        var fp32 = Scenarios.FromYaml(Yaml(zero, ""));
        var bf16 = Scenarios.FromYaml(Yaml(zero, ", optimizer_precision: bf16"));
        var l = LayoutDefaults.Complete(fp32.Layout, 8);
        var a = Scenarios.Training(fp32).Memory(l);
        var b = Scenarios.Training(bf16).Memory(l);
        Assert.Equal(a.Gradients.Value / 2, b.Gradients.Value, 6);
        Assert.Equal(a.Optimizer.Value * optimizerRatio, b.Optimizer.Value, 6);
        Assert.Equal((a.Weights.Value, a.Activations.Value), (b.Weights.Value, b.Activations.Value));
        // The gradients still reduce in fp32 (grad_precision): the data-parallel traffic does not change.
        Assert.Equal(Scenarios.Training(fp32).Estimate(l).Breakdown.DataParallel.Value, Scenarios.Training(bf16).Estimate(l).Breakdown.DataParallel.Value);
    }

    [Fact]
    public void An_unknown_precision_is_refused_in_one_line_and_exports_refuse_it()
    {
        var e = Assert.Throws<InputException>(() => Scenarios.FromYaml(Yaml(1, ", optimizer_precision: fp8")));
        Assert.Contains("use fp32", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
        var x = Assert.Throws<InputException>(() => Export.ExportCases.Export("qwen3-30b-moe", "megatron", "training.optimizer_precision=bf16"));
        Assert.Contains("optimizer_precision=bf16", x.Message);
    }
}
