using Augur.CostModels.Training;
using Augur.Domain;
using Augur.Domain.Parallelism;
using Augur.Search.Training;

namespace Augur.Tests.Training;

/// <summary>The expert all-to-all overlapped with another micro-batch's compute (parallelism.ep_overlap, Megatron-core's overlap_moe_expert_parallel_comm).</summary>
public class ExpertOverlapTests
{
    const string Qwen = "workload: training\nmodel: qwen3-30b-a3b\nhardware: dgx-h100\ncluster: {gpus: 16}\nprecision: bf16\n"
                        + "parallelism: {tp: 1, pp: PP, vp: VP, ep: 8, zero: 1, microbatch: 1, recompute: RC, ep_overlap: OVERLAP}\n"
                        + "training: {seq_len: 4096, global_batch: 64, routing: balanced}\n";

    static string Yaml(bool overlap, int pp = 1, int vp = 1, string recompute = "none") => Qwen
        .Replace("OVERLAP", overlap ? "true" : "false", StringComparison.Ordinal).Replace("PP", pp.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("VP", vp.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal).Replace("RC", recompute, StringComparison.Ordinal);

    static TrainingEstimate Estimate(bool overlap)
    {
        var s = Scenarios.FromYaml(Yaml(overlap));
        return Scenarios.Training(s).Estimate(LayoutDefaults.Complete(s.Layout, 16));
    }

    [Fact]
    public void Pairs_of_micro_batches_pay_only_what_their_exchange_exceeds_their_compute()
    {
        // dp 16, 64 sequences, micro-batch 1: m = 4 micro-batches per step. Without overlap the step pays 4E; with it
        // E + 3·max(E − C, σ·E), C one micro-batch's forward and backward (bf16: no weight casts, so compute = 4C) and σ the
        // compute's pace lost to the exchange kernels' 20 of the H100's 132 SMs, at most 20/132 (ExpertOverlapSmsTests).
        var plain = Estimate(false);
        var overlapped = Estimate(true);
        Assert.Equal(4, plain.MicroBatches);
        double e = plain.Breakdown.ExpertParallel.Value / 4, c = plain.Breakdown.Compute.Value / 4;
        Assert.True(e > 0);
        Assert.InRange(overlapped.Breakdown.ExpertParallel.Value, e + 3 * Math.Max(0, e - c) - 1e-12, e + 3 * Math.Max(e - c, e * 20 / 132) + 1e-12);
        Assert.Equal(plain.Breakdown.Compute.Value, overlapped.Breakdown.Compute.Value, 1e-12);
    }

    [Fact]
    public void Without_pipelining_the_pair_holds_one_layer_more()
    {
        // pp = 1, no recompute: the plain step holds one micro-batch of all 48 layers. The combined 1F1B pair runs forward
        // layer i beside the backward of the other micro-batch's last unfinished layer (Megatron-LM model_chunk_schedule_plan.py
        // get_layer(i) / pop_layer() @ e5ad09802d), so it holds 48 + 1 layers.
        Assert.Equal(49.0 / 48 * Estimate(false).Memory.Activations.Value, Estimate(true).Memory.Activations.Value, 1e-3);
    }

    [Theory]
    [InlineData(2, 1, "none", "needs an interleaved schedule (vp > 1)")]
    [InlineData(1, 1, "full", "does not run with full recomputation")]
    [InlineData(1, 1, "[moe]", "drop moe from recompute")]
    public void Layouts_megatron_refuses_are_refused_in_one_line(int pp, int vp, string recompute, string message)
    {
        var s = Scenarios.FromYaml(Yaml(true, pp, vp, recompute));
        var e = Assert.ThrowsAny<InputException>(() => Augur.Workflows.EstimateWorkflow.Run(s, Augur.Catalog.Loading.CatalogStore.Default));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void The_planner_searches_both_schedules_and_a_fixed_one_only()
    {
        string free = Yaml(false).Replace(", ep_overlap: false", "", StringComparison.Ordinal);
        var s = Scenarios.FromYaml(free);
        var layouts = TrainingSearchSpace.Enumerate(s.Model, 16, 8, s.Training!, s.Layout).ToList();
        Assert.Contains(layouts, l => l.OverlapExperts);
        Assert.Contains(layouts, l => !l.OverlapExperts);
        Assert.All(layouts.Where(l => l.OverlapExperts), l => Assert.Null(LayoutValidator.OverlapExpertsError(l)));
        var fixedOff = Scenarios.FromYaml(Yaml(false));
        Assert.DoesNotContain(TrainingSearchSpace.Enumerate(fixedOff.Model, 16, 8, fixedOff.Training!, fixedOff.Layout), l => l.OverlapExperts);
    }

    [Fact]
    public void A_plan_with_overlap_fixed_and_two_prediction_layers_names_the_prediction_layers()
    {
        // No layout lifts Megatron-core's one-MTP-layer bar, so that, not the probe's default ep = 1, is why nothing runs.
        string yaml = Qwen.Replace("pp: PP, vp: VP, ep: 8, zero: 1, microbatch: 1, recompute: RC, ep_overlap: OVERLAP", "ep_overlap: true", StringComparison.Ordinal)
            .Replace("routing: balanced", "routing: balanced, mtp_layers: 2", StringComparison.Ordinal);
        var s = Scenarios.FromYaml(yaml);
        var e = Assert.ThrowsAny<InputException>(() => Augur.Workflows.PlanWorkflow.Run(s, Augur.Catalog.Loading.CatalogStore.Default, 1));
        Assert.Contains("at most one multi-token-prediction layer; training.mtp_layers is 2", e.Message);
    }

    [Fact]
    public void Megatron_is_told_to_overlap_and_torchtitan_refuses()
    {
        string[] overlap = ["parallelism.recompute=none", "parallelism.ep_overlap=true"];
        var w = Export.ExportCases.Written(Export.ExportCases.Export("qwen3-30b-moe", "megatron", overlap));
        Assert.Equal("", w["--overlap-moe-expert-parallel-comm"]);
        Assert.False(Export.ExportCases.Written(Export.ExportCases.Export("qwen3-30b-moe", "megatron", "parallelism.recompute=none")).ContainsKey("--overlap-moe-expert-parallel-comm"));
        var e = Assert.Throws<InputException>(() => Export.ExportCases.Export("qwen3-30b-moe", "torchtitan", overlap));
        Assert.Contains("ep_overlap=true", e.Message);
    }
}
