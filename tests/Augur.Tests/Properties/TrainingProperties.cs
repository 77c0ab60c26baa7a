using Augur.Domain.Parallelism;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Augur.Tests.Properties;

/// <summary>Invariants of the training cost model over random layouts.</summary>
public class TrainingProperties
{
    static readonly Augur.CostModels.Training.TrainingModel Model70b = Scenarios.Training(Scenarios.FromYaml(
        "workload: training\nmodel: llama3.1-70b\nhardware: h100-sxm\ncluster: {gpus: 512}\ntraining: {seq_len: 4096, global_batch: 1024}\n"));

    [Property(MaxTest = 200)]
    public bool More_tp_never_raises_weight_memory(PositiveInt ppSeed, PositiveInt zeroSeed)
    {
        int pp = new[] { 1, 2, 4, 8 }[ppSeed.Get % 4];
        int zero = zeroSeed.Get % 4;
        double previous = double.MaxValue;
        foreach (int tp in new[] { 1, 2, 4, 8 })
        {
            var l = new ParallelLayout(Tp: tp, Pp: pp, Vp: 1, Dp: 512 / (tp * pp), Cp: 1, Ep: 1, Etp: 1, Sp: tp > 1, Zero: zero, MicroBatch: 1, Recompute: Recompute.Full);
            double w = Model70b.Memory(l).Weights.Value;
            if (w > previous + 1) return false;
            previous = w;
        }
        return true;
    }

    [Property(MaxTest = 100)]
    public bool Doubling_gpus_under_pure_dp_adds_at_most_the_extra_communication(PositiveInt seed)
    {
        int dp = 1 << (seed.Get % 6 + 1); // 2..64
        var small = Scenarios.Training(Scenarios.FromYaml($"workload: training\nmodel: llama3.1-8b\nhardware: h100-sxm\ncluster: {{gpus: {dp}}}\ntraining: {{seq_len: 4096, global_batch: 256}}\n"));
        var large = Scenarios.Training(Scenarios.FromYaml($"workload: training\nmodel: llama3.1-8b\nhardware: h100-sxm\ncluster: {{gpus: {2 * dp}}}\ntraining: {{seq_len: 4096, global_batch: 256}}\n"));
        var a = small.Estimate(new ParallelLayout(Tp: 1, Pp: 1, Vp: 1, Dp: dp, Cp: 1, Ep: 1, Etp: 1, Sp: false, Zero: 1, MicroBatch: 1, Recompute: Recompute.Full));
        var b = large.Estimate(new ParallelLayout(Tp: 1, Pp: 1, Vp: 1, Dp: 2 * dp, Cp: 1, Ep: 1, Etp: 1, Sp: false, Zero: 1, MicroBatch: 1, Recompute: Recompute.Full));
        double addedComm = Math.Max(0, b.Breakdown.DataParallel.Value - a.Breakdown.DataParallel.Value);
        return b.StepTime.Value <= a.StepTime.Value + addedComm + 1e-9;
    }

    [Property(MaxTest = 200)]
    public bool Step_time_parts_are_non_negative_and_mfu_below_one(PositiveInt tpSeed, PositiveInt ppSeed, PositiveInt mbSeed)
    {
        int tp = new[] { 1, 2, 4, 8 }[tpSeed.Get % 4];
        int pp = new[] { 1, 2, 4, 8 }[ppSeed.Get % 4];
        int mb = new[] { 1, 2 }[mbSeed.Get % 2];
        var l = new ParallelLayout(Tp: tp, Pp: pp, Vp: 1, Dp: 512 / (tp * pp), Cp: 1, Ep: 1, Etp: 1, Sp: tp > 1, Zero: 1, MicroBatch: mb, Recompute: Recompute.Selective);
        var e = Model70b.Estimate(l);
        return e.Breakdown.Parts().All(p => p.Time.Value >= 0) && e.Mfu is > 0 and < 1 && e.Hfu >= e.Mfu;
    }
}
