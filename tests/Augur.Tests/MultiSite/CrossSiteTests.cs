using Augur.CostModels.Analysis;
using Augur.Search.Training;
using Augur.CostModels.Communication;
using Augur.Domain.Parallelism;
using Augur.Domain.Workloads;

namespace Augur.Tests.MultiSite;

/// <summary>The cross-site exchange worked by hand, and its wiring into a training estimate.</summary>
public class CrossSiteTests
{
    // 4 sites, 1 GB per GPU at 1 GB/s per GPU, 10 ms one-way. Ring all-reduce: 2(4−1)·0.01 + 2·3/4·1 = 1.56 s;
    // the tree (2·log2 4·0.01 + 2·1 = 2.04 s) is slower.
    static CrossSiteExchange Exchange(int period, int fragments, double window) => new()
    {
        Sites = 4, BytesPerGpu = 1e9, Latency = 0.01, Period = period, Fragments = fragments, Window = window,
    };

    [Fact]
    public void Synchronous_exchange_pays_what_the_backward_does_not_hide()
    {
        Assert.Equal(1.56 - 0.5, CrossSite.ExposedPerStep(Exchange(1, 1, 0.5), 1e9), 9);
        Assert.Equal(0, CrossSite.ExposedPerStep(Exchange(1, 1, 2.0), 1e9));
    }

    [Fact]
    public void DiLoCo_pays_one_fragment_every_H_over_P_steps()
    {
        // A tenth of the model: 0.06 + 0.15 = 0.21 s; 0.11 s exposed, ten times per 100 steps.
        Assert.Equal(0.011, CrossSite.ExposedPerStep(Exchange(100, 10, 0.1), 1e9), 9);
        // Vanilla DiLoCo, H = 100: (1.56 − 0.5) / 100.
        Assert.Equal(0.0106, CrossSite.ExposedPerStep(Exchange(100, 1, 0.5), 1e9), 9);
    }

    [Fact]
    public void One_site_exchanges_nothing() =>
        Assert.Equal(0, CrossSite.ExposedPerStep(Exchange(1, 1, 0) with { Sites = 1 }, 1e9));

    [Fact]
    public void The_bandwidth_for_95_percent_matches_the_closed_form()
    {
        // Step 2 s: 95% allows 2·(1/0.95 − 1) = 0.10526 s exposed per step. Synchronous, window 0.5:
        // 0.06 + 1.5e9/W − 0.5 = 0.10526 → W = 1.5e9 / 0.54526.
        var x = Exchange(1, 1, 0.5);
        double w = CrossSite.BandwidthFor(x, 2.0, 0.95)!.Value;
        Assert.Equal(1.5e9 / (0.5 + 2 * (1 / 0.95 - 1) - 0.06), w, 1e-6 * w);
        Assert.Equal(0.95, CrossSite.Utilization(2.0, CrossSite.ExposedPerStep(x, w)), 6);
    }

    [Fact]
    public void Latency_alone_can_make_95_percent_unreachable()
    {
        // 4 sites 1 s apart: 6 s of ring latency against a 1 s step with nothing to hide behind.
        var x = Exchange(1, 1, 0) with { Latency = 1 };
        Assert.Null(CrossSite.BandwidthFor(x, 1.0, 0.95));
    }

    const string FourSites = """
        workload: training
        model: llama3.1-405b
        hardware: h100-sxm
        cluster: {gpus: 98304, scale_up_domain: 8, sites: 4, wan_bandwidth: 10 Tbit/s, wan_latency_ms: 20}
        precision: bf16
        parallelism: {tp: 8, pp: 16, vp: 4, cp: 2, dp: 384, sp: true, zero: 1, microbatch: 1, recompute: none}
        training: {seq_len: 8192, global_batch: 6144}
        """;

    [Fact]
    public void A_four_site_step_sends_three_halves_of_the_gradients_over_each_site_WAN()
    {
        var s = Scenarios.FromYaml(FourSites);
        Assert.Equal(4, s.Cluster.Sites);
        Assert.Equal(24576, s.Cluster.GpusPerSite);
        var model = Scenarios.Training(s);
        var e = model.Estimate(new ParallelLayout(Tp: 8, Pp: 16, Vp: 4, Dp: 384, Cp: 2, Ep: 1, Etp: 1, Sp: true, Zero: 1, MicroBatch: 1, Recompute: Recompute.None));
        var x = e.CrossSite!;
        // 16-bit gradients of every parameter, ring all-reduce over 4 sites: 2·3/4 · 2 B · N per site at 10 Tbit/s = 1.25e12 B/s,
        // plus 2·3 hops of 20 ms.
        double n = ParameterCounter.Count(s.Model).Total;
        Assert.Equal(1.5 * 2 * n, x.PerSiteExchange.Value, 1e-9 * n);
        Assert.Equal(1.5 * 2 * n / 1.25e12 + 6 * 0.02, x.Exchange.Value, 1e-9);
        Assert.Equal(e.StepTime.Value, x.StepWithoutWan.Value + x.Exposed.Value, 1e-9);
        Assert.Equal(x.Exposed, e.Breakdown.CrossSite);
    }

    [Fact]
    public void DiLoCo_with_streaming_and_fp4_needs_far_less_WAN_than_synchronous()
    {
        var sync = Scenarios.FromYaml(FourSites);
        var diloco = Scenarios.FromYaml(FourSites.Replace("global_batch: 6144}", "global_batch: 6144, cross_site: diloco, diloco: {inner_steps: 100, outer_bits: 4, fragments: 42, overlap_steps: 1}}", StringComparison.Ordinal));
        var layout = new ParallelLayout(Tp: 8, Pp: 16, Vp: 4, Dp: 384, Cp: 2, Ep: 1, Etp: 1, Sp: true, Zero: 1, MicroBatch: 1, Recompute: Recompute.None);
        var a = Scenarios.Training(sync).Estimate(layout).CrossSite!;
        var b = Scenarios.Training(diloco).Estimate(layout).CrossSite!;
        Assert.Equal(CrossSiteMethod.DiLoCo, b.Training.Method);
        // 4-bit values: a quarter of the bytes; a 42nd of them per exchange.
        Assert.Equal(a.PerSiteExchange.Value / 4, b.PerSiteExchange.Value, 1e-6 * a.PerSiteExchange.Value);
        Assert.True(b.BandwidthFor95!.Value.BytesPerSecond * 100 < a.BandwidthFor95!.Value.BytesPerSecond);
        Assert.True(b.Utilization > a.Utilization);
    }

    [Fact]
    public void The_planner_keeps_whole_replicas_in_each_site()
    {
        var s = Scenarios.FromYaml(FourSites.Replace("parallelism: {tp: 8, pp: 16, vp: 4, cp: 2, dp: 384, sp: true, zero: 1, microbatch: 1, recompute: none}", "parallelism: {pp: 16}", StringComparison.Ordinal));
        var plan = TrainingPlanner.Plan(Scenarios.Training(s), s, top: 5);
        Assert.NotEmpty(plan.Ranked);
        Assert.All(plan.Ranked, e =>
        {
            Assert.Equal(0, e.Layout.Dp % 4);
            Assert.NotNull(e.CrossSite);
        });
    }

    [Fact]
    public void Plan_chooses_DiLoCo_only_when_the_user_allows_it()
    {
        // At 1 Tbit/s per site a synchronous step waits seconds on the WAN; DiLoCo at H = 100 hides nearly all of it.
        string slow = FourSites.Replace("wan_bandwidth: 10 Tbit/s", "wan_bandwidth: 1 Tbit/s", StringComparison.Ordinal)
            .Replace("parallelism: {tp: 8, pp: 16, vp: 4, cp: 2, dp: 384, sp: true, zero: 1, microbatch: 1, recompute: none}", "parallelism: {tp: 8, pp: 16, vp: 4, cp: 2, sp: true, zero: 1, microbatch: 1, recompute: none}", StringComparison.Ordinal);
        var fixedSync = Scenarios.FromYaml(slow);
        var auto = Scenarios.FromYaml(slow.Replace("global_batch: 6144}", "global_batch: 6144, cross_site: auto, diloco: {inner_steps: [10, 100]}}", StringComparison.Ordinal));
        var catalog = Augur.Catalog.Loading.CatalogStore.Default;
        var a = (Augur.Workflows.TrainingPlanOutcome)Augur.Workflows.PlanWorkflow.Run(fixedSync, catalog, top: 3);
        var b = (Augur.Workflows.TrainingPlanOutcome)Augur.Workflows.PlanWorkflow.Run(auto, catalog, top: 3);
        Assert.Equal(CrossSiteMethod.Synchronous, a.Best!.Value.CrossSite!.Training.Method);
        var chosen = b.Best!.Value.CrossSite!.Training;
        Assert.Equal(CrossSiteMethod.DiLoCo, chosen.Method);
        Assert.Equal(100, chosen.InnerSteps);
        Assert.True(b.Best.Value.StepTime.Value < a.Best.Value.StepTime.Value);
    }

    [Fact]
    public void One_site_has_no_cross_site_part()
    {
        var s = Scenarios.FromYaml(FourSites.Replace(", sites: 4, wan_bandwidth: 10 Tbit/s, wan_latency_ms: 20", "", StringComparison.Ordinal));
        var e = Scenarios.Training(s).Estimate(new ParallelLayout(Tp: 8, Pp: 16, Vp: 4, Dp: 384, Cp: 2, Ep: 1, Etp: 1, Sp: true, Zero: 1, MicroBatch: 1, Recompute: Recompute.None));
        Assert.Null(e.CrossSite);
        Assert.Null(e.Breakdown.CrossSite);
        Assert.DoesNotContain(e.Breakdown.Parts(), p => p.Name == "wan_comm");
    }
}
