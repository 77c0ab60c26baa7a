using Augur.Catalog.Loading;
using Augur.CostModels.Training;
using Augur.Workflows;

namespace Augur.Tests.Training;

public class PipelineScheduleTests
{
    // A forward pass of 1 s and a backward pass of 2 s per micro-batch per stage.
    const double F = 1, B = 2;

    [Fact]
    public void One_f_one_b_with_4_stages_and_8_micro_batches_idles_3_of_11()
    {
        var s = PipelineSchedule.Of(4, 1, 8, F, B);
        Assert.Equal(2 * 4 * 8, s.Passes.Count);
        // (m + p − 1)(F + B) = 11 · 3 s; each stage idles (p − 1)(F + B) = 9 s of it.
        Assert.Equal(33, s.Makespan, 9);
        for (int stage = 0; stage < 4; stage++) Assert.Equal(9, s.Idle(stage), 9);
        Assert.Equal(3.0 / 11, s.BubbleFraction, 12);
        // The last stage's first forward waits for the three stages before it.
        var first = s.Passes.Where(p => p.Stage == 3 && p.Forward).MinBy(p => p.Start);
        Assert.Equal(0, first.MicroBatch);
        Assert.Equal(3, first.Start, 9);
    }

    [Theory]
    [InlineData(2, 3.0 / 19)] // (p − 1)/(v·m + p − 1) with p 4, m 8
    [InlineData(4, 3.0 / 35)]
    public void Interleaving_v_chunks_cuts_the_bubble_to_p_minus_1_over_v_m_plus_p_minus_1(int v, double fraction)
    {
        var s = PipelineSchedule.Of(4, v, 8, F, B);
        Assert.Equal(2 * 4 * v * 8, s.Passes.Count);
        // m(F + B) of work plus (p − 1)(F + B)/v of bubble.
        Assert.Equal(8 * 3 + 3 * 3.0 / v, s.Makespan, 9);
        Assert.Equal(fraction, s.BubbleFraction, 12);
        Assert.All(s.Passes, p => Assert.Equal((p.Forward ? F : B) / v, p.End - p.Start, 12));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void A_stage_runs_one_pass_at_a_time_and_each_pass_follows_its_input(int v)
    {
        var s = PipelineSchedule.Of(3, v, 6, F, B);
        foreach (var stage in s.Passes.GroupBy(p => p.Stage))
        {
            var ordered = stage.OrderBy(p => p.Start).ToList();
            for (int i = 1; i < ordered.Count; i++) Assert.True(ordered[i].Start >= ordered[i - 1].End - 1e-12);
        }
        var at = s.Passes.ToDictionary(p => (p.MicroBatch, p.Chunk * 3 + p.Stage, p.Forward));
        int last = 3 * v - 1;
        foreach (var p in s.Passes)
        {
            int k = p.Chunk * 3 + p.Stage;
            var before = p.Forward ? (k == 0 ? (PipelinePass?)null : at[(p.MicroBatch, k - 1, true)])
                : k == last ? at[(p.MicroBatch, k, true)] : at[(p.MicroBatch, k + 1, false)];
            if (before is { } b) Assert.True(p.Start >= b.End - 1e-12);
        }
    }

    [Fact]
    public void Interleaved_with_as_many_micro_batches_as_stages_runs_every_forward_first()
    {
        // p 4, v 2, m 4: still m(F + B) + (p − 1)(F + B)/v = 12 + 4.5 s, bubble 3/11.
        var s = PipelineSchedule.Of(4, 2, 4, F, B);
        Assert.Equal(16.5, s.Makespan, 9);
        Assert.Equal(3.0 / 11, s.BubbleFraction, 12);
        foreach (var stage in s.Passes.GroupBy(p => p.Stage))
            Assert.True(stage.Where(p => p.Forward).Max(p => p.Start) < stage.Where(p => !p.Forward).Min(p => p.Start));
    }

    [Fact]
    public void Interleaving_needs_micro_batches_in_groups_of_pp() =>
        Assert.Throws<ArgumentException>(() => PipelineSchedule.Of(4, 2, 6, F, B));

    [Fact]
    public void The_schedule_of_an_estimate_idles_each_stage_for_the_models_bubble()
    {
        var scenario = ScenarioLoader.FromFile(CatalogStore.Default, Scenarios.Repo("samples/llama3-405b-pretrain.yaml"), []);
        var e = ((TrainingEstimateOutcome)EstimateWorkflow.Run(scenario, CatalogStore.Default)).Estimate;
        Assert.True(e.MicroBatchForward.Value > 0 && e.MicroBatchBackward.Value > e.MicroBatchForward.Value);
        var s = PipelineSchedule.Of(e.Layout.Pp, e.Layout.Vp, e.MicroBatches, e.MicroBatchForward.Value, e.MicroBatchBackward.Value);
        // pp 16, vp 4 and 2048 / 64 = 32 micro-batches: (p − 1)/(v·m + p − 1) = 15/143.
        Assert.Equal(15.0 / 143, s.BubbleFraction, 9);
        Assert.Equal(e.Breakdown.Bubble.Value, Enumerable.Range(0, 16).Max(s.Idle), 9);
    }
}
