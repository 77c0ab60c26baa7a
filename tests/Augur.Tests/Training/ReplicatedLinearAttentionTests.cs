using Augur.CostModels.Training;
using Augur.Domain;

namespace Augur.Tests.Training;

/// <summary>
/// training.linear_attention_tp: replicated — the Gated DeltaNet mixers run whole on every tensor-parallel rank, as Miles'
/// Qwen3.5 layer builds them (plain Linear modules behind a sequence-parallel gather, miles_plugins/models/hf_attention.py).
/// </summary>
public class ReplicatedLinearAttentionTests
{
    // Qwen3.5-27B's mixer per linear layer (hidden 5120; 16 key heads and 48 value heads of 128; conv kernel 4):
    // q, k, v, z projections 5120 × (2·2048 + 2·6144) = 83,886,080; β and α 5120 × 96 = 491,520; output 6144 × 5120 =
    // 31,457,280; conv over 10,240 channels × 4 = 40,960; the gated norm's 128. Sum 115,875,968, in 48 of the 64 layers.
    const double MixerParams = 115_875_968.0;
    const int LinearLayers = 48;

    static string Yaml(string mode, bool sp = true) => $$"""
        workload: training
        model: qwen3.5-27b
        hardware: hgx-h200
        cluster: {gpus: 8}
        precision: bf16
        parallelism: {tp: 4, pp: 1, dp: 2, sp: {{(sp ? "true" : "false")}}, zero: 1, microbatch: 1, recompute: full}
        training: {seq_len: 8192, global_batch: 16{{mode}}}
        """;

    static (TrainingEstimate Sharded, TrainingEstimate Replicated) Both(bool sp = true)
    {
        var sharded = Scenarios.FromYaml(Yaml("", sp));
        var replicated = Scenarios.FromYaml(Yaml(", linear_attention_tp: replicated", sp));
        var l = LayoutDefaults.Complete(sharded.Layout, 8);
        return (Scenarios.Training(sharded).Estimate(l), Scenarios.Training(replicated).Estimate(l));
    }

    [Fact]
    public void Every_rank_holds_the_whole_mixer()
    {
        var (sharded, replicated) = Both();
        // Each of the 4 ranks holds 3/4 of every mixer more: 48 × 115,875,968 × 0.75 = 4,171,534,848 parameters, in bf16.
        double extra = LinearLayers * MixerParams * 0.75;
        Assert.Equal(2 * extra, replicated.Memory.Weights.Value - sharded.Memory.Weights.Value, 1e-6 * extra);
        // Their fp32 gradients too, and the optimizer's 12 bytes each shard over the 2 data-parallel ranks.
        Assert.Equal(4 * extra, replicated.Memory.Gradients.Value - sharded.Memory.Gradients.Value, 1e-6 * extra);
        Assert.Equal(12 * extra / 2, replicated.Memory.Optimizer.Value - sharded.Memory.Optimizer.Value, 1e-6 * extra);
    }

    [Theory]
    [InlineData(true, 1.625)]   // sequence parallel: the mixer block gathers its input and splits its output, half a pair
    [InlineData(false, 1.25)]   // no sequence parallelism: the mixer's input and output are whole on every rank, no exchange
    public void The_mixer_block_exchanges_less(bool sp, double perLayer)
    {
        // Two exchanges per layer (after attention and after the MLP); three quarters of the layers are linear ones:
        // 2 − 0.75 × 0.5 = 1.625 with sequence parallelism, 2 − 0.75 = 1.25 without.
        var (sharded, replicated) = Both(sp);
        Assert.Equal(perLayer / 2, replicated.Breakdown.TensorParallel.Value / sharded.Breakdown.TensorParallel.Value, 9);
    }

    [Fact]
    public void The_replicated_mixer_costs_compute()
    {
        var (sharded, replicated) = Both();
        Assert.True(replicated.Breakdown.Compute.Value > 1.2 * sharded.Breakdown.Compute.Value,
            $"{replicated.Breakdown.Compute.Value} against {sharded.Breakdown.Compute.Value}");
    }

    [Theory]
    [InlineData("llama3.1-8b", "replicated", "has no linear-attention layers")]
    [InlineData("qwen3.5-27b", "split", "unknown 'split'; use sharded")]
    public void A_bad_setting_is_one_line(string model, string value, string expected)
    {
        var e = Assert.Throws<InputException>(() => Scenarios.FromYaml(Yaml($", linear_attention_tp: {value}").Replace("qwen3.5-27b", model)));
        Assert.Contains("training.linear_attention_tp", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void An_rl_trainer_takes_the_same_setting()
    {
        string yaml = "workload: rl\nmodel: qwen3.5-27b\nhardware: hgx-h200\ncluster: {gpus: 8}\nprecision: bf16\nrl:\n  prompts_per_step: 8\n  samples_per_prompt: 8\n"
            + "  prompt_tokens: {mean: 155}\n  response_tokens: {mean: 2000, spread: 0.5, max: 4096}\n  verifier: {kind: rule, cpu_seconds: 0.01, cpu_cores: 8}\n"
            + "  generator: {tp: 1, memory_fraction: 0.8}\n  trainer: {tp: 4, sp: true, recompute: full, offload_weights: true, linear_attention_tp: MODE}\n";
        var sharded = Augur.Workflows.Rl.RlWorkflow.Estimate(Scenarios.FromYaml(yaml.Replace("MODE", "sharded")), Augur.Catalog.Loading.CatalogStore.Default).Estimate;
        var replicated = Augur.Workflows.Rl.RlWorkflow.Estimate(Scenarios.FromYaml(yaml.Replace("MODE", "replicated")), Augur.Catalog.Loading.CatalogStore.Default).Estimate;
        double extra = LinearLayers * MixerParams * 0.75;
        Assert.Equal(2 * extra, replicated.Training.Update.Memory.Weights.Value - sharded.Training.Update.Memory.Weights.Value, 1e-6 * extra);
        Assert.True(replicated.Phases.Training.Value > sharded.Phases.Training.Value);
        var e = Assert.Throws<InputException>(() => Scenarios.FromYaml(yaml.Replace("MODE", "replicated").Replace("qwen3.5-27b", "qwen3-32b")));
        Assert.Contains("rl.trainer.linear_attention_tp: qwen3-32b has no linear-attention layers", e.Message);
    }
}
