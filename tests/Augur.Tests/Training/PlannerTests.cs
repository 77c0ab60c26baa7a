using Augur.Domain.Parallelism;
using Augur.Search.Training;

namespace Augur.Tests.Training;

public class PlannerTests
{
    [Fact]
    public void Llama405b_on_16384_h100_finds_a_fitting_layout_and_explains_it()
    {
        var s = Scenarios.FromYaml(File.ReadAllText(Scenarios.Repo("samples/llama3-405b-plan.yaml")));
        var plan = TrainingPlanner.Plan(Scenarios.Training(s), s, 3);
        Assert.Equal(3, plan.Ranked.Count);
        Assert.True(plan.PrunedByMemory > 0);
        var best = plan.Ranked[0];
        Assert.True(best.Fits);
        Assert.Equal(16384, best.Layout.Gpus);
        Assert.True(best.StepTime.Value <= plan.Ranked[1].StepTime.Value);
        Assert.InRange(best.Mfu, 0.3, 0.7);
        Assert.Equal(2, plan.Why.Count);
        Assert.Equal(Augur.Search.ConclusionKind.RunnerUp, plan.Why[1].Kind);
        Assert.Contains("Runner-up", plan.Why[1].Message);
    }

    [Fact]
    public void Fixed_keys_are_honoured()
    {
        var s = Scenarios.FromYaml("workload: training\nmodel: llama3.1-70b\nhardware: h100-sxm\ncluster: {gpus: 64}\nparallelism: {tp: 4, recompute: full}\ntraining: {seq_len: 8192, global_batch: 128}\n");
        var plan = TrainingPlanner.Plan(Scenarios.Training(s), s, 5);
        Assert.NotEmpty(plan.Ranked);
        Assert.All(plan.Ranked, e => Assert.Equal(4, e.Layout.Tp));
        Assert.All(plan.Ranked, e => Assert.Equal(Recompute.Full, e.Layout.Recompute));
    }

    [Fact]
    public void Plan_finds_the_layout_a_published_h100_run_used()
    {
        // Megatron-Bridge 26.02, Llama 3 70B FP8 on 64 H100s (catalog/validation/training.yaml): tp4 pp8 vp5 dp2, the
        // distributed optimizer, micro-batch 1, no recompute, bf16 gradient buffers. By hand on its first stage (10 layers,
        // 8 + 8·7/8·2 = 94 layer-micro-batches in flight): weights 4.47, gradients 4.47, optimizer 17.9 (16 B / 2 shards),
        // activations 46.9 and 4 GiB reserve make 77.7 GiB, which fits 80 GiB and did not fit the 74.5 GiB that
        // reading the datasheet's "80 GB" as 80·10⁹ bytes gave. Plan, given the run's degrees, must find it.
        var s = Scenarios.FromYaml("workload: training\nmodel: llama3.1-70b\nhardware: dgx-h100\ncluster: {gpus: 64}\nprecision: fp8\n" +
            "parallelism: {tp: 4, pp: 8, vp: 5, dp: 2, zero: 1, microbatch: 1, recompute: none}\n" +
            "training: {seq_len: 8192, global_batch: 256, grad_precision: bf16}\n");
        var model = Scenarios.Training(s);
        var plan = TrainingPlanner.Plan(model, s, 3);
        var found = Assert.Single(plan.Ranked);
        Assert.Equal(new ParallelLayout(Tp: 4, Pp: 8, Vp: 5, Dp: 2, Cp: 1, Ep: 1, Etp: 1, Sp: true, Zero: 1, MicroBatch: 1, Recompute: Recompute.None), found.Layout);
        Assert.True(found.Fits);
        Assert.InRange(found.Memory.Total.GiB, 76, 79);
    }

    [Fact]
    public void A_plan_fixing_nothing_searches_the_published_vp_micro_batch_and_recompute_modules()
    {
        // Three published layouts the search missed before: Megatron-Bridge's Llama 3 70B at vp 5 (80 layers over pp 8: 10 per
        // rank, so vp 5 splits them evenly), LLM Foundry's MPT-7B at micro-batch 6 (96 sequences over dp 8: 12 per replica),
        // and Megatron-Bridge's GPT-OSS 120B recomputing [layernorm, moe_act].
        var llama = Scenarios.FromYaml("workload: training\nmodel: llama3.1-70b\nhardware: dgx-h100\ncluster: {gpus: 64}\nprecision: fp8\n" +
            "training: {seq_len: 8192, global_batch: 256}\n");
        Assert.True(Holds(llama, new ParallelLayout(Tp: 4, Pp: 8, Vp: 5, Dp: 2, Cp: 1, Ep: 1, Etp: 1, Sp: true, Zero: 1, MicroBatch: 1, Recompute: Recompute.None)));
        var mpt = Scenarios.FromYaml("workload: training\nmodel: llama3.1-8b\nhardware: dgx-h100\ncluster: {gpus: 8}\n" +
            "training: {seq_len: 2048, global_batch: 96}\n");
        Assert.True(Holds(mpt, new ParallelLayout(Tp: 1, Pp: 1, Vp: 1, Dp: 8, Cp: 1, Ep: 1, Etp: 1, Sp: false, Zero: 3, MicroBatch: 6, Recompute: Recompute.None)));
        var oss = Scenarios.FromYaml("workload: training\nmodel: gpt-oss-120b\nhardware: dgx-h100\ncluster: {gpus: 64}\n" +
            "training: {seq_len: 4096, global_batch: 1280}\n");
        Assert.True(Holds(oss, new ParallelLayout(Tp: 1, Pp: 4, Vp: 1, Dp: 16, Cp: 1, Ep: 8, Etp: 1, Sp: false, Zero: 1, MicroBatch: 1, Recompute: Recompute.LayerNorm | Recompute.MoeAct)));
        // Not searched: micro-batches beyond 32, and recompute modules for a dense model (its recipes recompute all or nothing).
        Assert.False(Holds(mpt, new ParallelLayout(Tp: 1, Pp: 1, Vp: 1, Dp: 1, Cp: 1, Ep: 1, Etp: 1, Sp: false, Zero: 3, MicroBatch: 48, Recompute: Recompute.None)));
        Assert.False(Holds(llama, new ParallelLayout(Tp: 4, Pp: 8, Vp: 5, Dp: 2, Cp: 1, Ep: 1, Etp: 1, Sp: true, Zero: 1, MicroBatch: 1, Recompute: Recompute.Mlp)));
    }

    [Fact]
    public void Skipping_recompute_variants_that_cannot_win_keeps_the_winner()
    {
        // Every layout the search space holds, costed where it fits: the planner, which skips variants that recompute more
        // than one that fits or modules where full recomputation does not fit, must rank the same best step time.
        var s = Scenarios.FromYaml("workload: training\nmodel: qwen3-30b-a3b\nhardware: dgx-h100\ncluster: {gpus: 16}\n" +
            "training: {seq_len: 4096, global_batch: 64}\n");
        var model = Scenarios.Training(s);
        var job = s.Training!;
        double best = double.MaxValue;
        foreach (var l in TrainingSearchSpace.Enumerate(s.Model, s.Cluster.Gpus, s.Cluster.ScaleUpDomain, job, s.Layout))
        {
            if (LayoutValidator.Check(s.Model, s.Cluster.Gpus, l, job.SeqLen, job.GlobalBatch, job.MtpLayers, job.ContextParallelComm) is not null) continue;
            var mem = model.Memory(l);
            if (model.Fits(mem, l)) best = Math.Min(best, model.Estimate(l, mem).StepTime.Value);
        }
        var plan = TrainingPlanner.Plan(model, s, 1);
        Assert.True(plan.SkippedRecompute > 0);
        Assert.Equal(best, plan.Ranked[0].StepTime.Value, 12);
    }

    static bool Holds(Augur.Domain.Workloads.Scenario s, ParallelLayout l) =>
        TrainingSearchSpace.Holds(s.Model, s.Cluster.Gpus, s.Cluster.ScaleUpDomain, s.Training!, l);
}
