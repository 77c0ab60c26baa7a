using Augur.Catalog.Loading;
using Augur.CostModels.Rl;
using Augur.CostModels.Validation;
using Augur.Domain;
using Augur.Domain.Hardware;
using Augur.Domain.Workloads;
using Augur.Workflows;

namespace Augur.Tests.Validation;

public class RlValidationTests
{
    /// <summary>One RL case on 16 H100 (colocated Llama 3.1 8B GRPO) with the published value and metric given.</summary>
    static ValidationCase Case(string measured) =>
        ValidationReader.ReadFile(new ScenarioReader(CatalogStore.Default), "v.yaml", Augur.Catalog.Files.DataReader.Read(
            "cases:\n  - id: x\n    fit: out-of-sample\n    fit_notes: n\n    source: s\n    scenario:\n      workload: rl\n      model: llama3.1-8b\n"
            + "      hardware: dgx-h100\n      cluster: {gpus: 16}\n      precision: bf16\n      rl:\n        prompts_per_step: 64\n        samples_per_prompt: 32\n"
            + "        prompt_tokens: {mean: 115}\n        response_tokens: {mean: 1030, spread: 0.75, max: 3981}\n"
            + "        verifier: {kind: rule, cpu_seconds: 0.01, cpu_cores: 8}\n        generator: {tp: 1, memory_fraction: 0.6}\n        trainer: {tp: 1, pp: 2}\n"
            + $"    measured: {measured}\n", "v.yaml", json: false)).Single();

    [Fact]
    public void A_published_step_time_is_compared_as_trained_tokens_per_gpu_so_the_error_is_the_step_time_ratio()
    {
        var c = Case("{metric: step_seconds, convention: tokens, value: 90}");
        var r = RlValidator.Run(c, CatalogStore.Default.Calibration(c.Scenario.Cluster.Accelerator));
        var e = r.Rl!;
        // Tokens/s per GPU of one step are the same tokens over the same 16 GPUs, so measured/predicted throughput is
        // predicted/measured step time: error = 90 / predicted step − 1.
        Assert.Equal(e.StepTime.Value, r.PredictedPublishedUnit);
        Assert.Equal(90 / e.StepTime.Value - 1, r.Error, 12);
        // The tokens are the step's trained tokens: 2,048 samples × (115 prompt + clipped mean response), over 16 GPUs.
        Assert.Equal(2048 * (115 + e.Generation.Rollout.MeanResponse) / 16 / 90, r.MeasuredTokensPerGpu, 9);
        Assert.Null(r.Memory); // the training memory-fit count stays a count of training runs
    }

    [Fact]
    public void An_rl_case_with_a_metric_other_than_step_time_is_refused_in_one_line()
    {
        var c = Case("{metric: tokens_per_s_per_gpu, convention: tokens, value: 1500}");
        var e = Assert.Throws<InputException>(() => RlValidator.Run(c, CatalogStore.Default.Calibration(c.Scenario.Cluster.Accelerator)));
        Assert.Equal("x: unknown rl metric 'tokens_per_s_per_gpu'; use step_seconds", e.Message);
    }

    [Fact]
    public void The_shipped_rl_tier_covers_two_gpu_types_and_both_placements_and_is_banded()
    {
        // Issue #13 point 4: at least 8 cases over at least 2 GPU types, colocated and separate pools.
        var rl = ValidateWorkflow.Cases(CatalogStore.Default).Where(r => r.Case.Scenario.Workload == WorkloadKind.Rl).ToList();
        Assert.True(rl.Count >= 8);
        Assert.True(rl.Select(r => r.Case.Scenario.Cluster.Accelerator.Id).Distinct().Count() >= 2);
        Assert.Contains(rl, r => r.Case.Scenario.Rl!.Placement == RlPlacement.Colocated);
        Assert.Contains(rl, r => r.Case.Scenario.Rl!.Placement != RlPlacement.Colocated);
        Assert.All(rl, r => Assert.True(r.Case.Metric == "step_seconds" && r.Rl is not null));
        // Every out-of-sample RL case is band evidence, and each is checked against the band of the others.
        var bands = ErrorBandWorkflow.Of(CatalogStore.Default);
        var oos = rl.Count(r => r.Case.Tier == ValidationTier.OutOfSample);
        Assert.Equal(oos, bands.Coverage(WorkloadKind.Rl).Cases);
        Assert.All(bands.LeaveOneOut(WorkloadKind.Rl), l => Assert.NotNull(l.Band));
    }

    [Fact]
    public void Validate_json_gives_each_rl_case_its_predicted_phases_and_other_cases_none()
    {
        var o = ValidateWorkflow.Run(CatalogStore.Default);
        var cases = Augur.Reports.ValidationReport.Json(o.Cases, o.Bands)["cases"]!.AsArray();
        var rl = cases.First(c => (string)c!["workload"]! == "rl")!["rl"]!;
        Assert.Equal(["generation_s", "verification_s", "log_probs_s", "critic_s", "training_s", "weight_sync_s", "offload_s"],
            rl["predicted_phases"]!.AsObject().Select(p => p.Key));
        Assert.Contains((string)rl["placement"]!, new[] { "colocated", "disaggregated", "asynchronous" });
        Assert.All(cases.Where(c => (string)c!["workload"]! != "rl"), c => Assert.Null(c!["rl"]));
    }

    [Fact]
    public void Published_phases_are_read_and_each_is_set_beside_augur_s_time_for_the_same_work()
    {
        var c = Case("{metric: step_seconds, convention: tokens, value: 112, phases: {training: 28, refit: 5, generation: 58, log_probs: 18}}");
        var r = RlValidator.Run(c, CatalogStore.Default.Calibration(c.Scenario.Cluster.Accelerator));
        var p = r.Rl!.Phases;
        // In the published order whatever the file's; generation holds the scoring, refit the move to host (NeMo-RL's timers).
        Assert.Equal(["generation", "log_probs", "training", "refit"], r.RlPhases.Select(x => x.Phase));
        var gen = r.RlPhases[0];
        Assert.Equal((58, (p.Generation + p.Verification).Value), (gen.Published, gen.Predicted));
        Assert.Equal(58 / (p.Generation + p.Verification).Value - 1, gen.Error, 12);
        Assert.Equal((p.LogProbs + p.Critic).Value, r.RlPhases[1].Predicted);
        Assert.Equal(p.Training.Value, r.RlPhases[2].Predicted);
        Assert.Equal(p.WeightSync.Value + p.Offload.Value / 2, r.RlPhases[3].Predicted); // the move to host only
        // A case that publishes only the step has no phase checks.
        Assert.Empty(RlValidator.Run(Case("{metric: step_seconds, convention: tokens, value: 90}"), CatalogStore.Default.Calibration(c.Scenario.Cluster.Accelerator)).RlPhases);
    }

    [Theory]
    [InlineData("{metric: step_seconds, convention: tokens, value: 90, phases: {rollout: 50}}", "v.yaml.cases[0].measured.phases: unknown key 'rollout'")]
    [InlineData("{metric: step_seconds, convention: tokens, value: 90, phases: {training: 0}}", "v.yaml.cases[0].measured.phases.training: 0 s; a published phase time is positive")]
    public void A_bad_published_phase_is_refused_in_one_line(string measured, string start)
    {
        var e = Assert.Throws<InputException>(() => Case(measured));
        Assert.StartsWith(start, e.Message);
    }

    [Fact]
    public void Phase_errors_average_per_phase_and_tier_over_the_cases_that_time_them()
    {
        // Two out-of-sample cases time generation: 60 s against 40 s predicted (+50%) and 30 s against 40 s (-25%):
        // mean |error| 37.5%, mean error +12.5%; one in-sample case times training, 20 s against 25 s (-20%).
        var oos = Case("{metric: step_seconds, convention: tokens, value: 90}");
        var fit = oos with { InSample = true };
        static ValidationResult R(ValidationCase c, params RlPhaseCheck[] checks) => new(c, 1, 1, 1) { RlPhases = checks };
        var s = RlPhaseSummary.Of([R(oos, new RlPhaseCheck("generation", 60, 40)), R(oos, new RlPhaseCheck("generation", 30, 40)), R(fit, new RlPhaseCheck("training", 20, 25))]);
        Assert.Equal(2, s.Count);
        Assert.Equal(("generation", ValidationTier.OutOfSample, 2), (s[0].Phase, s[0].Tier, s[0].Cases));
        Assert.Equal(0.375, s[0].MeanAbsError, 12);
        Assert.Equal(0.125, s[0].MeanError, 12);
        Assert.Equal(("training", ValidationTier.InSample, 1), (s[1].Phase, s[1].Tier, s[1].Cases));
        Assert.Equal(-0.2, s[1].MeanError, 12);
    }

    [Fact]
    public void A_context_parallel_trainer_pads_each_sequence_to_a_multiple_of_twice_cp()
    {
        var job = ScenarioFor("cp: 2").Rl!;
        // 115 + 5,698 = 5,813 tokens: cp 2 splits a sequence into 4 chunks, so it is padded to 5,816; cp 1 keeps 5,813.
        Assert.Equal(5816, RlTraining.JobOf(job, Precision.BF16, 5698, cp: 2).SeqLen);
        Assert.Equal(5813, RlTraining.JobOf(job, Precision.BF16, 5698).SeqLen);
    }

    static Scenario ScenarioFor(string trainer) => Scenarios.FromYaml(
        "workload: rl\nmodel: llama3.1-8b\nhardware: h100-sxm\ncluster: {gpus: 16}\nprecision: bf16\nrl:\n  prompts_per_step: 16\n  samples_per_prompt: 32\n"
        + "  prompt_tokens: {mean: 115}\n  response_tokens: {mean: 5698}\n  verifier: {kind: rule, cpu_seconds: 0.01, cpu_cores: 8}\n"
        + $"  generator: {{tp: 1}}\n  trainer: {{{trainer}}}\n");
}
