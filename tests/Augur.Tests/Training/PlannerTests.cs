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
}
