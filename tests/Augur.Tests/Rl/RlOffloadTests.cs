using Augur.Catalog.Loading;
using Augur.Workflows.Rl;

namespace Augur.Tests.Rl;

public class RlOffloadTests
{
    static string Yaml(string trainer) =>
        "workload: rl\nmodel: qwen3-32b\nhardware: h100-sxm\ncluster: {gpus: 32}\nprecision: bf16\nrl:\n  prompts_per_step: 64\n  samples_per_prompt: 32\n"
        + "  prompt_tokens: {mean: 115}\n  response_tokens: {mean: 3000, spread: 0.5, max: 3981}\n  verifier: {kind: rule, cpu_seconds: 0.01, cpu_cores: 8}\n"
        + $"  generator: {{tp: 4, memory_fraction: 0.6}}\n  trainer: {{tp: 4, pp: 4{trainer}}}\n";

    [Fact]
    public void A_colocated_trainer_that_offloads_its_weights_gives_the_generators_their_whole_fraction_and_moves_the_weights_too()
    {
        var kept = RlWorkflow.Estimate(Scenarios.FromYaml(Yaml("")), CatalogStore.Default).Estimate;
        var moved = RlWorkflow.Estimate(Scenarios.FromYaml(Yaml(", offload_weights: true")), CatalogStore.Default).Estimate;
        var a = Scenarios.FromYaml(Yaml("")).Cluster.Accelerator;
        double weights = kept.Training.Update.Memory.Weights.Value;
        // The same trainer, so the offload grows by its weights out and back over the host link.
        Assert.Equal(kept.Phases.Offload.Value + 2 * weights / a.HostMemory!.Bandwidth.BytesPerSecond, moved.Phases.Offload.Value, 9);
        // Resident weights come out of the serving engine's 0.6 of HBM; offloaded ones leave it all to the engine.
        Assert.Equal(0.6 * a.HbmCapacity.Value - weights, kept.Generation.Model.UsableMemoryPerGpu.Value, 0);
        Assert.Equal(0.6 * a.HbmCapacity.Value, moved.Generation.Model.UsableMemoryPerGpu.Value, 0);
        Assert.Equal(kept.Generators.Memory.Weights.Value - weights, moved.Generators.Memory.Weights.Value, 0);
    }

    [Fact]
    public void Offloading_weights_is_refused_in_one_line_where_no_generators_share_the_trainer_gpus()
    {
        var yaml = Yaml(", offload_weights: true").Replace("  generator: {tp: 4,", "  placement: asynchronous\n  generator: {gpus: 16, tp: 4,")
            .Replace("trainer: {tp: 4, pp: 4", "trainer: {gpus: 16, tp: 4, pp: 4");
        var e = Assert.Throws<Augur.Domain.InputException>(() => Scenarios.FromYaml(yaml));
        Assert.EndsWith("rl.trainer.offload_weights: only a colocated trainer hands its GPUs to the generators; remove it or set placement: colocated", e.Message);
    }

    [Theory]
    [InlineData(", offload_pinned: true", "", "rl.trainer.offload_pinned: says how a colocated trainer offloads its optimizer state; remove it or set placement: colocated")]
    [InlineData("", " sleep_level: 2,", "rl.generator.sleep_level: says what a colocated engine does with its weights while the trainer runs; remove it or set placement: colocated")]
    [InlineData(", gather_weights: true, refit_overlap: true", "", "rl.trainer.refit_overlap: says how a colocated trainer hands its weights to the engine on its GPU; remove it or set placement: colocated")]
    public void The_colocated_offload_settings_are_refused_in_one_line_on_separate_pools(string trainer, string generator, string message)
    {
        var yaml = Yaml(trainer).Replace("  generator: {tp: 4,", "  placement: asynchronous\n  generator: {gpus: 16," + generator + " tp: 4,")
            .Replace("trainer: {tp: 4, pp: 4", "trainer: {gpus: 16, tp: 4, pp: 4");
        var e = Assert.Throws<Augur.Domain.InputException>(() => Scenarios.FromYaml(yaml));
        Assert.EndsWith(message, e.Message);
    }

    [Fact]
    public void A_double_buffered_refit_hides_the_engines_update_behind_the_trainers_hand_over_but_one_bucket()
    {
        var serial = RlWorkflow.Estimate(Scenarios.FromYaml(Yaml(", gather_weights: true")), CatalogStore.Default).Estimate;
        var overlapped = RlWorkflow.Estimate(Scenarios.FromYaml(Yaml(", gather_weights: true, refit_overlap: true")), CatalogStore.Default).Estimate;
        // Qwen3-32B's checkpoint: 64 layers × (q, k, v, o + 2 per-head norms + 2 layer norms + 3 MLP matrices) + embedding,
        // final norm and LM head = 707 tensors; the engine updates each in 1.5 s / 45,337 (the refit blog's Table 1).
        double update = 707 * 1.5 / 45_337;
        // One bucket is 15% of what the H100 has free with the engine's weights (tp 4: a quarter of 65.5 GB) and the
        // trainer's (tp 4 × pp 4: about 4.1 GB) on it: (85.9 - 16.4 - 4.1) GB × 0.15 = 9.8 GB; the 65.5 GB model takes 7
        // of them, so the update runs beside the hand-over but for its last bucket.
        var spec = CatalogStore.Default.Model("qwen3-32b").Spec;
        Assert.Equal(707, Augur.CostModels.Rl.RlRefit.Tensors(spec));
        double model = Augur.CostModels.Rl.RlRefit.WholeModel(spec);
        Assert.InRange(model, 65e9, 66e9);
        double hbm = Scenarios.FromYaml(Yaml("")).Cluster.Accelerator.HbmCapacity.Value;
        double free = hbm - serial.Generation.WeightsPerGpu.Value - serial.Training.Update.Memory.Weights.Value;
        Assert.InRange(0.15 * free, 9.5e9, 10e9);
        const int buckets = 7;
        Assert.Equal(serial.Phases.WeightSync.Value - update + update / buckets, overlapped.Phases.WeightSync.Value, 9);
        Assert.Equal(serial.SyncHost.Value, overlapped.SyncHost.Value, 12);
    }

    [Fact]
    public void A_double_buffered_refit_needs_whole_tensors_and_says_so_in_one_line()
    {
        var e = Assert.Throws<Augur.Domain.InputException>(() => Scenarios.FromYaml(Yaml(", refit_overlap: true")));
        Assert.EndsWith("rl.trainer.refit_overlap: double-buffers the hand-over of whole tensors, which needs gather_weights: true; set it or remove refit_overlap", e.Message);
    }

    [Theory]
    [InlineData(10.0, 1.0, 4, 10.25)]
    [InlineData(1.0, 10.0, 4, 10.25)]
    [InlineData(3.0, 3.0, 1, 6.0)]
    public void Two_stages_over_equal_buckets_take_the_slower_stage_and_one_bucket_of_the_other(double first, double second, int buckets, double total) =>
        Assert.Equal(total, Augur.CostModels.Rl.RlRefit.Pipelined(first, second, buckets), 12);

    [Theory]
    [InlineData(65.5e9, 9.8e9, 7)]
    [InlineData(8e9, 8e9, 1)]
    [InlineData(8e9, 0, 1)]
    public void A_models_bytes_fill_whole_buckets(double model, double bucket, int buckets) =>
        Assert.Equal(buckets, Augur.CostModels.Rl.RlRefit.Buckets(model, bucket));

    [Fact]
    public void A_reference_kept_in_host_memory_costs_three_copies_of_the_trainer_weights_and_leaves_the_trainer_hbm()
    {
        var resident = RlWorkflow.Estimate(Scenarios.FromYaml(Yaml("")), CatalogStore.Default).Estimate;
        var onHost = RlWorkflow.Estimate(Scenarios.FromYaml(Yaml(", reference_on_host: true")), CatalogStore.Default).Estimate;
        double weights = resident.Training.Update.Memory.Weights.Value;
        // Qwen3-32B's 32.8e9 parameters in BF16 over tp4 × pp4: about 4.1 GB per GPU (embedding and head shares aside).
        Assert.InRange(weights, 3.9e9, 4.5e9);
        // Policy out, reference in, policy back, each over the DGX H100's 64 GB/s host link one way.
        Assert.Equal(resident.Phases.LogProbs.Value + 3 * weights / 64e9, onHost.Phases.LogProbs.Value, 6);
        Assert.Equal(resident.Trainer.Memory.Weights.Value - weights, onHost.Trainer.Memory.Weights.Value, 0);
        var dapo = Yaml(", reference_on_host: true").Replace("rl:\n", "rl:\n  algorithm: dapo\n");
        var noReference = RlWorkflow.Estimate(Scenarios.FromYaml(dapo), CatalogStore.Default).Estimate;
        Assert.Equal(0, noReference.Training.ReferenceSwap.Value);
    }

    [Fact]
    public void A_reference_in_host_memory_is_refused_in_one_line_on_hardware_without_host_memory()
    {
        var yaml = Yaml(", reference_on_host: true").Replace("hardware: h100-sxm", "hardware: h800").Replace("  generator: {tp: 4,", "  placement: asynchronous\n  generator: {gpus: 16, tp: 4,")
            .Replace("trainer: {tp: 4, pp: 4", "trainer: {gpus: 16, tp: 4, pp: 4");
        var e = Assert.Throws<Augur.Domain.InputException>(() => RlWorkflow.Estimate(Scenarios.FromYaml(yaml), CatalogStore.Default));
        Assert.StartsWith("rl.trainer.reference_on_host: the reference policy would live in host memory, and h800 has no host_memory", e.Message.Replace("augur: ", ""));
    }

    [Fact]
    public void A_colocated_offload_beyond_host_memory_is_flagged_as_not_fitting_like_hbm_not_refused()
    {
        // 8 GB of host memory per GPU cannot hold the Qwen3-32B trainer's offloaded state: tp 4 × pp 4 leaves 2.05e9
        // parameters per GPU, whose fp32 gradients alone are 8.2 GB.
        var yaml = Yaml("").Replace("hardware: h100-sxm", "hardware: {base: h100-sxm, host_memory: {gb: 8}}");
        var e = RlWorkflow.Estimate(Scenarios.FromYaml(yaml), CatalogStore.Default).Estimate;
        Assert.False(e.Fits);
        Assert.False(e.Trainer.HostFits);
        Assert.True(e.Trainer.Host.Need.Value > 8e9);
        var (code, output, _) = Cli.CliTests.Run("estimate", Cli.CliTests.Temp(yaml));
        Assert.Contains("host", output, StringComparison.Ordinal);
        Assert.Contains("DOES NOT FIT", output, StringComparison.Ordinal);
        Assert.NotEqual(2, code);
    }
}
