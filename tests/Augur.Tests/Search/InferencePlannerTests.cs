using Augur.Catalog.Loading;
using Augur.CostModels.Inference;
using Augur.Domain;
using Augur.Domain.Workloads;
using Augur.Search.Inference;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Augur.Tests.Search;

public class InferencePlannerTests
{
    const string Llama8b = "workload: inference\nmodel: llama3.1-8b\nhardware: h100-sxm\ncluster: {gpus: 8}\n";
    const string Mixtral = "workload: inference\nmodel: mixtral-8x7b\nhardware: h100-sxm\ncluster: {gpus: 8}\nprecision: fp8\n";

    static InferencePlan Plan(string yaml, int top = 5)
    {
        var s = Scenarios.FromYaml(yaml);
        return InferencePlanner.Plan(s, CatalogStore.Default.Calibration(s.Cluster.Accelerator), top);
    }

    static InferenceModel Model(Scenario s, ServingMode mode, int? batch) =>
        new(s.Model, s.Cluster, s.Inference! with { Mode = mode, Concurrency = batch }, s.Precision, CatalogStore.Default.Calibration(s.Cluster.Accelerator));

    /// <summary>Every (layout, mode, batch) the planner sweeps, costed independently, kept when it fits and meets the limits.</summary>
    static List<ServingPoint> BruteForce(Scenario s, Func<int, IEnumerable<int>> batches)
    {
        var job = s.Inference!;
        var points = new List<ServingPoint>();
        var capacity = Model(s, ServingMode.Aggregated, null);
        foreach (var l in InferenceSearchSpace.Enumerate(s.Model, s.Cluster.Gpus, s.Cluster.ScaleUpDomain, s.Layout))
            foreach (var mode in job.ModeFixed ? [job.Mode] : new[] { ServingMode.Aggregated, ServingMode.Disaggregated })
            {
                if (mode == ServingMode.Disaggregated && l.Replicas < 2) continue;
                int cap = Math.Min(capacity.MaxConcurrency(l), capacity.EngineBatchCap(l));
                foreach (int b in batches(cap))
                {
                    var e = Model(s, mode, b).Estimate(l, s.Run);
                    if (e.Fits && (job.TpotLimit is not { } t || e.Tpot.Value <= t) && (job.TtftLimit is not { } f || e.Ttft.Value <= f))
                        points.Add(new ServingPoint(e, mode));
                }
            }
        return points;
    }

    [Fact]
    public void Winner_beats_every_swept_point_and_is_within_5_percent_of_every_batch()
    {
        string yaml = Llama8b.Replace("gpus: 8", "gpus: 2") + "inference: {input_tokens: 1000, output_tokens: 200, tpot_ms: 15}\n";
        var s = Scenarios.FromYaml(yaml);
        var plan = Plan(yaml);
        foreach (var p in BruteForce(s, InferencePlanner.BatchGrid))
            Assert.True(plan.Best.TokensPerSecondPerGpu >= p.TokensPerSecondPerGpu * (1 - 1e-9), $"{p.Layout} batch {p.Batch}");
        // Every batch from 1 to the cap: the grid plus the estimator's 5%-step SLO batch lose at most 5%.
        var exhaustive = BruteForce(s, cap => Enumerable.Range(1, cap));
        Assert.True(plan.Best.TokensPerSecondPerGpu >= exhaustive.Max(p => p.TokensPerSecondPerGpu) * 0.95);
    }

    [Fact]
    public void Dense_8b_on_8_gpus_at_a_fixed_batch_prefers_eight_tp1_replicas()
    {
        // Same 64 sequences per replica: tp=2 halves the weight and KV bytes each GPU reads per step but adds two
        // all-reduces per layer and keeps the fixed per-step overhead, so its step is more than half of tp=1's while it
        // spends twice the GPUs: tokens/s per GPU = 64·o / cycle / g is highest at g = 1.
        var plan = Plan(Llama8b + "inference: {input_tokens: 1000, output_tokens: 200, concurrency: 64, mode: aggregated}\n");
        var best = plan.Best;
        Assert.Equal(new InferenceLayout(Tp: 1, Pp: 1, Ep: 1, DpAttention: 1, Replicas: 8), best.Layout);
        Assert.Equal(64, best.Batch);
        var tp2 = plan.Ranked.First(p => p.Layout.Tp == 2);
        Assert.True(tp2.TokensPerSecondPerGpu < best.TokensPerSecondPerGpu);
        Assert.True(tp2.TokensPerSecondPerUser > best.TokensPerSecondPerUser); // but each user is faster on tp=2
        Assert.All(plan.Ranked, p => Assert.Equal(ServingMode.Aggregated, p.Mode));
    }

    [Fact]
    public void Dense_8b_without_limits_picks_no_tensor_parallelism_at_its_largest_batch()
    {
        var s = Scenarios.FromYaml(Llama8b + "inference: {input_tokens: 1000, output_tokens: 200}\n");
        var plan = Plan(Llama8b + "inference: {input_tokens: 1000, output_tokens: 200}\n");
        // No TP all-reduce and the largest batch that fits. Two pipeline stages beat eight single-GPU replicas:
        // each GPU holds half the weights, so the KV cache (and the batch per GPU) grows by the freed 8 GB.
        Assert.Equal(1, plan.Best.Layout.Tp);
        Assert.Equal(Model(s, ServingMode.Aggregated, null).MaxConcurrency(plan.Best.Layout), plan.Best.Batch);
        var m = Model(s, ServingMode.Aggregated, null);
        Assert.True(m.MaxConcurrency(new InferenceLayout(Tp: 1, Pp: 2, Ep: 1, DpAttention: 1, Replicas: 4)) / 2.0 > m.MaxConcurrency(new InferenceLayout(Tp: 1, Pp: 1, Ep: 1, DpAttention: 1, Replicas: 8)));
    }

    [Fact]
    public void Fixed_keys_and_mode_are_respected()
    {
        var plan = Plan(Mixtral + "parallelism: {tp: 2}\ninference: {input_tokens: 1000, output_tokens: 200, mode: disaggregated}\n", top: 50);
        Assert.NotEmpty(plan.Ranked);
        Assert.All(plan.Ranked.Concat(plan.Pareto), p =>
        {
            Assert.Equal(2, p.Layout.Tp);
            Assert.Equal(ServingMode.Disaggregated, p.Mode);
            Assert.NotNull(p.Estimate.Disaggregated);
        });
        var ep = Plan(Mixtral + "parallelism: {ep: 4, dp_attention: 2}\ninference: {input_tokens: 1000, output_tokens: 200}\n", top: 50);
        Assert.All(ep.Ranked, p => Assert.True(p.Layout is { Ep: 4, DpAttention: 2 }));
        Assert.Contains(ep.Ranked, p => p.Mode == ServingMode.Aggregated);
        Assert.Contains(ep.Ranked, p => p.Mode == ServingMode.Disaggregated); // mode omitted: both searched
    }

    [Fact]
    public void Moe_search_spreads_experts_over_divisors_of_the_stage()
    {
        var s = Scenarios.FromYaml(Mixtral + "inference: {input_tokens: 1000, output_tokens: 200}\n");
        var layouts = InferenceSearchSpace.Enumerate(s.Model, 8, 8, s.Layout).ToList();
        Assert.All(layouts, l => Assert.True(l.GpusPerStage % l.Ep == 0 && 8 % l.Ep == 0 && l.Gpus <= 8));
        Assert.Contains(new InferenceLayout(Tp: 1, Pp: 1, Ep: 8, DpAttention: 8, Replicas: 1), layouts);
        Assert.Contains(new InferenceLayout(Tp: 2, Pp: 1, Ep: 4, DpAttention: 2, Replicas: 2), layouts);
    }

    [Fact]
    public void Every_ranked_and_front_point_meets_the_tpot_limit()
    {
        var plan = Plan(Mixtral + "inference: {input_tokens: 2000, output_tokens: 500, tpot_ms: 12, ttft_ms: 400}\n", top: 30);
        Assert.All(plan.Ranked.Concat(plan.Pareto), p =>
        {
            Assert.True(p.Estimate.Tpot.Value <= 0.012 * (1 + 1e-9));
            Assert.True(p.Estimate.Ttft.Value <= 0.4 * (1 + 1e-9));
            Assert.True(p.Estimate.Fits);
        });
        Assert.True(plan.PointsFeasible < plan.PointsEvaluated);
    }

    [Fact]
    public void Front_is_non_dominated_and_covers_every_feasible_point()
    {
        string yaml = Mixtral + "inference: {input_tokens: 1000, output_tokens: 200, tpot_ms: 30}\n";
        var plan = Plan(yaml);
        var front = plan.Pareto;
        Assert.All(front, a => Assert.DoesNotContain(front, b => b.Dominates(a)));
        Assert.Equal(front.OrderBy(p => p.TokensPerSecondPerUser), front);
        foreach (var p in BruteForce(Scenarios.FromYaml(yaml), InferencePlanner.BatchGrid))
            Assert.Contains(front, f => f.TokensPerSecondPerGpu >= p.TokensPerSecondPerGpu && f.TokensPerSecondPerUser >= p.TokensPerSecondPerUser);
    }

    static readonly List<ServingPoint> Sample = BruteForce(
        Scenarios.FromYaml(Mixtral + "inference: {input_tokens: 1000, output_tokens: 200}\n"), InferencePlanner.BatchGrid);

    [Property(MaxTest = 100)]
    public bool Front_of_any_subset_dominates_the_rest(int[] picks)
    {
        var subset = (picks ?? []).Select(i => Sample[(int)((uint)i % (uint)Sample.Count)]).ToList();
        var front = Pareto.Front(subset);
        bool nonDominated = front.All(a => !front.Any(b => b.Dominates(a)));
        bool covers = subset.All(p => front.Any(f => f.TokensPerSecondPerGpu >= p.TokensPerSecondPerGpu && f.TokensPerSecondPerUser >= p.TokensPerSecondPerUser));
        return nonDominated && covers && front.All(subset.Contains);
    }

    [Fact]
    public void Cost_per_token_ranks_as_throughput_per_gpu()
    {
        const string job = "inference: {input_tokens: 1000, output_tokens: 200, tpot_ms: 30}\n";
        var byThroughput = Plan(Mixtral + job, top: 10);
        var byCost = Plan(Mixtral + job + "objective: cost_per_token\n", top: 10);
        Assert.Equal(byThroughput.Ranked.Select(p => (p.Layout, p.Mode, p.Batch)), byCost.Ranked.Select(p => (p.Layout, p.Mode, p.Batch)));
        Assert.Contains(byCost.Why, w => w.Kind == Augur.Search.ConclusionKind.Objective && w.Message.Contains("ranks exactly as tokens/s per GPU"));
        var costs = byCost.Ranked.Select(p => p.Estimate.UsdPerMillionOutputTokens).ToList();
        Assert.Equal(costs.Order(), costs);
    }

    [Fact]
    public void Latency_objective_puts_the_fastest_user_rate_first()
    {
        var plan = Plan(Mixtral + "inference: {input_tokens: 1000, output_tokens: 200}\nobjective: latency\n", top: 10);
        Assert.Equal(plan.Pareto[^1].TokensPerSecondPerUser, plan.Best.TokensPerSecondPerUser, 9);
        Assert.Equal(1, plan.Best.Batch);
    }

    [Fact]
    public void Sizing_rounds_the_target_up_to_whole_replicas()
    {
        var plan = Plan(Llama8b + "inference: {input_tokens: 1000, output_tokens: 200, concurrency: 64, mode: aggregated, target_output_tokens_per_s: 100000}\n");
        var z = plan.Sizing!;
        // tp1 replicas of 1 GPU: ⌈100000 / rate⌉ GPUs, 64 streams each.
        int gpus = (int)Math.Ceiling(100000 / plan.Best.TokensPerSecondPerGpu);
        Assert.Equal(gpus, z.Gpus);
        Assert.Equal(gpus * 64L, z.ConcurrentStreams);
        Assert.True(z.Gpus * plan.Best.TokensPerSecondPerGpu >= 100000);
        Assert.True((z.Gpus - 1) * plan.Best.TokensPerSecondPerGpu < 100000);
    }

    [Fact]
    public void Nothing_fits_says_what_and_how_to_fix()
    {
        var e = Assert.Throws<InputException>(() => Plan("workload: inference\nmodel: llama3.1-405b\nhardware: h100-sxm\ncluster: {gpus: 4}\ninference: {input_tokens: 1000, output_tokens: 200}\n"));
        Assert.Contains("no layout of llama3.1-405b fits on 4 × h100-sxm", e.Message);
        Assert.Contains("precision: fp8", e.Message);
        Assert.Contains("kv_precision: fp8", e.Message);
        var slo = Assert.Throws<InputException>(() => Plan(Llama8b + "inference: {input_tokens: 1000, output_tokens: 200, tpot_ms: 0.5}\n"));
        Assert.Contains("meets tpot_ms 0.5", slo.Message);
    }

    [Fact]
    public void Reader_leaves_the_mode_open_unless_named()
    {
        Assert.False(Scenarios.FromYaml(Llama8b + "inference: {input_tokens: 1, output_tokens: 1}\n").Inference!.ModeFixed);
        var auto = Scenarios.FromYaml(Llama8b + "inference: {input_tokens: 1, output_tokens: 1, mode: auto}\n").Inference!;
        Assert.False(auto.ModeFixed);
        Assert.Equal(ServingMode.Aggregated, auto.Mode); // estimate serves aggregated
        var pd = Scenarios.FromYaml(Llama8b + "inference: {input_tokens: 1, output_tokens: 1, mode: pd}\n").Inference!;
        Assert.True(pd.ModeFixed);
        Assert.Equal(ServingMode.Disaggregated, pd.Mode);
    }
}
