using Augur.Catalog.Loading;
using Augur.Domain;
using Augur.Workflows;
using Augur.Workflows.Needs;

namespace Augur.Tests.Needs;

public class NeedsTests
{
    static readonly ScenarioDocument Doc = ScenarioDocument.FromYaml("""
        workload: training
        model: llama3.1-70b
        hardware: h100-sxm
        cluster: {gpus: 512}
        training: {seq_len: 8192, global_batch: 512, tokens: 1e12}
        """);

    static double BestStep(params ScenarioOverride[] o) =>
        ((TrainingPlanOutcome)PlanWorkflow.Run(Doc.Read(CatalogStore.Default, o), CatalogStore.Default, 1)).Best!.Value.StepTime.Value;

    [Fact]
    public void The_least_hbm_meets_the_target_and_one_percent_less_does_not()
    {
        double own = BestStep();
        var target = new NeedsTarget("step_time_s", own * 1.05);
        var o = NeedsWorkflow.Run(Doc, CatalogStore.Default, Resource.HbmCapacity, [target]);
        Assert.NotNull(o.Least);
        double least = o.Least!.Value;
        Assert.True(least <= 80, "the scenario's own 80 GB already meets a target 5% above its own step");
        Assert.True(BestStep(new ScenarioOverride("hardware.hbm_gb", least.ToString("R", System.Globalization.CultureInfo.InvariantCulture))) <= own * 1.05);
        // The bisection stops within 1%: a little below the answer misses the target.
        double below = least / 1.011;
        Assert.True(BestStep(new ScenarioOverride("hardware.hbm_gb", below.ToString("R", System.Globalization.CultureInfo.InvariantCulture))) > own * 1.05
            || below < o.Searched.Low);
    }

    [Fact]
    public void An_unreachable_target_says_no_amount_in_range_reaches_it()
    {
        // A step of a millisecond: no amount of HBM bandwidth alone gets there.
        var o = NeedsWorkflow.Run(Doc, CatalogStore.Default, Resource.HbmBandwidth, [new NeedsTarget("step_time_s", 1e-3)]);
        Assert.Null(o.Least);
        Assert.All(o.Probes, p => Assert.False(p.Met));
    }

    [Fact]
    public void Ten_percent_more_flops_gains_at_most_ten_percent_and_more_than_nothing_on_a_compute_bound_step()
    {
        var s = SensitivityWorkflow.Run(Doc, CatalogStore.Default);
        var flops = s.Rows.Single(r => r.Resource == Resource.Flops);
        Assert.Equal(flops.Base * 1.1, flops.Raised, 1e-9 * flops.Raised);
        // Step time falls by at most the 10% the compute got; communication and the bubble keep some of it.
        Assert.InRange(flops.Gain!.Value, 0.01, 0.10 + 1e-9);
        var hbm = s.Rows.Single(r => r.Resource == Resource.HbmCapacity);
        Assert.True(hbm.Gain >= -1e-9, "more HBM never makes the best layout slower (the old one still fits)");
    }

    [Fact]
    public void Whole_amounts_are_layout_friendly()
    {
        var scenario = Doc.Read(CatalogStore.Default);
        Assert.Equal([8.0, 16, 24, 32, 40, 48, 56, 64], Resources.WholeAmounts(Resource.Gpus, scenario, 64));
        Assert.Equal([1.0, 2, 4, 8, 16, 32, 64, 128, 256, 512], Resources.WholeAmounts(Resource.ScaleUpDomain, scenario, 1e9));
    }

    [Theory]
    [InlineData("days=90")] // the scenario sets no token budget
    [InlineData("tokens_per_s_per_user=50")] // a serving target on training
    [InlineData("speed=3")]
    [InlineData("days=-1")]
    public void A_target_the_scenario_cannot_be_asked_is_refused(string target)
    {
        var noBudget = ScenarioDocument.FromYaml("workload: training\nmodel: llama3.1-8b\nhardware: h100-sxm\ncluster: {gpus: 8}\ntraining: {seq_len: 4096, global_batch: 64}\n");
        Assert.Throws<InputException>(() => NeedsWorkflow.Run(noBudget, CatalogStore.Default, Resource.Gpus, [NeedsTarget.Parse(target)]));
    }

    [Fact]
    public void An_unknown_resource_names_the_known_ones()
    {
        var e = Assert.Throws<InputException>(() => Resources.Parse("hbm"));
        Assert.Contains("hbm_gb", e.Message);
    }
}
