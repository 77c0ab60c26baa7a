using Augur.Catalog.Loading;
using Augur.CostModels.Uncertainty;
using Augur.Domain.Workloads;
using Augur.Reports.Rl;
using Augur.Search.Rl;
using Augur.Workflows.Rl;

namespace Augur.Tests.Rl;

/// <summary>What the RL plan searches besides the split: generator pp and dp_attention, the reward model's GPUs and tp.</summary>
public class RlPlanSearchTests
{
    static string Yaml(string model = "qwen3-32b", string cluster = "{gpus: 16}", string verifier = "{kind: rule, cpu_seconds: 0.2, cpu_cores: 512}",
        string response = "{mean: 2000, max: 2000}", string generator = "{tp: 4}", int prompts = 8, string trainer = "{tp: 8, zero: 3}") =>
        $"workload: rl\nmodel: {model}\nhardware: h100-sxm\ncluster: {cluster}\nprecision: bf16\nrl:\n  algorithm: grpo\n  prompts_per_step: {prompts}\n  samples_per_prompt: 16\n"
        + $"  prompt_tokens: {{mean: 1024, max: 1024}}\n  response_tokens: {response}\n  verifier: {verifier}\n  placement: colocated\n  generator: {generator}\n"
        + $"  trainer: {trainer}\n  steps: 10\n";

    static RlPlan Plan(Scenario s, int top = 1000) =>
        RlPlanner.Plan(s.Model, s.Cluster, s.Precision, s.Rl!, CatalogStore.Default.Calibration(s.Cluster.Accelerator), s.Run, s.Objective, top);

    [Fact]
    public void Moe_generators_get_dp_attention_with_the_experts_over_the_stage_inside_one_scale_up_domain()
    {
        var s = Scenarios.FromYaml(Yaml(model: "qwen3-235b-a22b", cluster: "{gpus: 32}"));
        var layouts = RlPlanner.GeneratorLayouts(s.Model, s.Rl!.Generator, 16, 8).ToList();
        // tp × dp_attention = p ≤ 8 GPUs of one domain: p = 1 (1 way), 2 (2 ways), 4 (3), 8 (4); pp of 1, 2 or 4 with
        // p × pp dividing 16: three stage counts for p ≤ 4, two for p = 8. 1·3 + 2·3 + 3·3 + 4·2 = 26 layouts.
        Assert.Equal(26, layouts.Count);
        Assert.All(layouts, g => Assert.Equal(g.Tp * g.DpAttention, g.Ep));
        Assert.Contains(layouts, g => (g.Tp, g.DpAttention, g.Pp) == (1, 8, 2));
        Assert.DoesNotContain(layouts, g => g.Tp * g.DpAttention > 8);
        // A dense model has no attention groups: tp 1, 2, 4 × pp 1, 2, 4, and tp8 × pp 1, 2 (tp8 pp4 needs 32 GPUs).
        var dense = Scenarios.FromYaml(Yaml());
        Assert.Equal(3 * 3 + 2, RlPlanner.GeneratorLayouts(dense.Model, dense.Rl!.Generator, 16, 8).Count());
    }

    [Fact]
    public void A_reward_model_is_placed_on_the_generators_or_on_gpus_of_its_own_at_each_tp()
    {
        var s = Scenarios.FromYaml(Yaml(cluster: "{gpus: 72}", verifier: "{kind: model, model: llama3.1-8b, gpus: 8}"));
        var given = s.Rl!.Verifier;
        var options = RlPlanner.Verifiers(given, 72, 8, 8).ToList();
        // The scenario's own first; on the generators at tp 1, 2, 4, 8; of its own on 1, 2, 4, 8, 16 GPUs (up to a quarter
        // of 72) at each tp that divides them within the 8-GPU domain: 1 + 2 + 3 + 4 + 4 = 14, less the scenario's (8, tp1).
        Assert.Equal(given, options[0]);
        Assert.Equal(1 + 4 + 13, options.Count);
        Assert.Equal(options.Count, options.Distinct().Count());
        Assert.Equal(4, options.Count(v => v.OnGenerators));
        // A rule verifier has no GPUs to place.
        var rule = Scenarios.FromYaml(Yaml()).Rl!.Verifier;
        Assert.Equal([rule], RlPlanner.Verifiers(rule, 72, 8, 8));
    }

    [Fact]
    public void The_plan_costs_the_reward_model_on_the_generators_and_on_gpus_of_its_own()
    {
        // Scored on the 20 generators' GPUs in the scenario; the plan also tries 1, 2 and 4 GPUs of its own (a quarter of 20).
        var s = Scenarios.FromYaml(Yaml(cluster: "{gpus: 20}", verifier: "{kind: model, model: llama3.1-8b, colocated: true}", prompts: 40, trainer: "{tp: 4, zero: 3}"));
        var plan = Plan(s);
        var given = RlWorkflow.Estimate(s, CatalogStore.Default).Estimate;
        Assert.True(plan.Ranked[0].SamplesPerSecond >= given.SamplesPerSecond);
        Assert.Contains(plan.Ranked, e => e.Job.Verifier.OnGenerators);
        foreach (int gpus in new[] { 1, 2, 4 })
            Assert.Contains(plan.Ranked, e => e.Job.Verifier is { OnGenerators: false } v && v.Gpus == gpus && e.Gpus == 20);
        // GPUs of its own come out of the budget: the pools share what is left.
        Assert.All(plan.Ranked.Where(e => !e.Job.Verifier.OnGenerators && e.Job.Placement != RlPlacement.Colocated),
            e => Assert.True(e.Job.Generator.Gpus + e.Job.Trainer.Gpus + e.Job.Verifier.Gpus <= 20));
    }

    [Fact]
    public void A_placement_inside_the_winners_error_band_is_called_undecided()
    {
        var s = Scenarios.FromYaml(Yaml(cluster: "{gpus: 32}"));
        var plan = Plan(s);
        var w = plan.Ranked[0];
        var others = plan.BestPerPlacement.Where(o => o.Job.Placement != w.Job.Placement).OrderByDescending(o => o.SamplesPerSecond).ToList();
        Assert.True(others.Count >= 2);
        double near = others[0].SamplesPerSecond, far = others[^1].SamplesPerSecond;
        Assert.True(far < near);
        // A band whose high error e puts the winner's lowest measured rate, w / (1 + e), between the two.
        double e = w.SamplesPerSecond / Math.Sqrt(near * far) - 1;
        var band = new ErrorBand(-0.1, e, "test");
        var undecided = RlPlanReport.Undecided(plan, band, Objective.Throughput);
        Assert.Equal([others[0].Job.Placement], undecided.Select(o => o.Job.Placement));
        Assert.Contains("Not decided by this estimate", string.Join("\n", RlPlanReport.Why(plan, band)), StringComparison.Ordinal);
        // Without a band (no validated RL case) nothing is called undecided.
        Assert.DoesNotContain("Not decided", string.Join("\n", RlPlanReport.Why(plan)), StringComparison.Ordinal);
    }
}
