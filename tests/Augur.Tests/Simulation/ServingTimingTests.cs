using Augur.Simulation.Serving;
using Augur.Units;

namespace Augur.Tests.Simulation;

/// <summary>Timelines worked out by hand against the linear fake cost model.</summary>
public class ServingTimingTests
{
    private static FakeServingCostModel Model(bool log = false) => new()
    {
        Fixed = 0.010,
        PerPrefillToken = 1e-4,
        PerPrefillContextToken = 1e-7,
        PerDecodeSequence = 1e-3,
        PerDecodeContextToken = 1e-6,
        LogShapes = log,
    };

    [Fact]
    public void Lone_request_takes_one_prefill_then_one_decode_step_per_further_token()
    {
        var model = Model(log: true);
        var requests = new[] { new Request(7, new Seconds(5.0), 100, 10) };

        ServingResult result = Served.Run(ServingDeployment.Aggregated(1, model), requests, new SchedulerOptions());

        // Prefill: 100 tokens in one chunk; token p attends to p+1 tokens, so context = 1+2+…+100 = 5050.
        double ttft = 0.010 + 100 * 1e-4 + 5050 * 1e-7;
        // Decode step k (k = 1..9) processes output token k and attends to 100 + k tokens.
        double decodeSum = 0;
        for (int k = 1; k <= 9; k++) decodeSum += 0.010 + 1e-3 + (100 + k) * 1e-6;

        RequestMetrics m = result.Requests[0];
        Assert.Equal(7, m.Id);
        Close.Equal(ttft, m.TimeToFirstToken.Value);
        Close.Equal(decodeSum / 9, m.TimePerOutputToken!.Value.Value);
        Close.Equal(ttft + decodeSum, m.EndToEnd.Value);
        Close.Equal(5.0 + ttft + decodeSum, m.Finish.Value);
        Assert.Equal(new IterationShape(100, 5050, 0, 0, 1), model.Shapes[0]);
        Assert.Equal(new IterationShape(0, 0, 1, 101), model.Shapes[1]);
        Assert.Equal(new IterationShape(0, 0, 1, 109), model.Shapes[^1]);
        Assert.Equal(10, model.Shapes.Count);
        Assert.Equal(10, result.Iterations);
        Assert.Equal(0, result.Preemptions);
    }

    [Fact]
    public void Requests_far_apart_all_see_the_same_unloaded_latencies()
    {
        var model = Model();
        var requests = new[]
        {
            new Request(0, new Seconds(0), 100, 10),
            new Request(1, new Seconds(100), 100, 10),
            new Request(2, new Seconds(200), 100, 10),
        };

        ServingResult result = Served.Run(ServingDeployment.Aggregated(1, model), requests, new SchedulerOptions());

        double ttft = model.Prefill(100, 5050);
        double decodeSum = 0;
        for (int k = 1; k <= 9; k++) decodeSum += model.Decode(1, 100 + k);
        foreach (RequestMetrics m in result.Requests)
        {
            Close.Equal(ttft, m.TimeToFirstToken.Value);
            Close.Equal(ttft + decodeSum, m.EndToEnd.Value);
        }
        Close.Equal(ttft, result.TimeToFirstToken.P50.Value);
        Close.Equal(ttft, result.TimeToFirstToken.P99.Value);
        Close.Equal(ttft, result.TimeToFirstToken.Mean.Value);
        Close.Equal(decodeSum / 9, result.TimePerOutputToken.P90.Value);
        Assert.Equal(3, result.EndToEnd.Count);
        // Makespan: first arrival (0) to last finish (200 + e2e).
        Close.Equal(200 + ttft + decodeSum, result.Makespan.Value);
        Close.Equal(30 / (200 + ttft + decodeSum), result.OutputThroughput.PerSecond);
    }

    [Fact]
    public void Chunked_prefill_splits_the_prompt_and_charges_the_exact_causal_context()
    {
        var model = Model(log: true);
        var options = new SchedulerOptions { MaxBatchSequences = 4, ChunkTokenBudget = 32 };

        ServingResult result = Served.Run(
            ServingDeployment.Aggregated(1, model), new[] { new Request(0, Seconds.Zero, 100, 2) }, options);

        // Chunks 32, 32, 32, 4 starting at 0, 32, 64, 96: context of c tokens from s = c·s + c(c+1)/2.
        Assert.Equal(new IterationShape(32, 528, 0, 0, 1), model.Shapes[0]);
        Assert.Equal(new IterationShape(32, 32 * 32 + 528, 0, 0, 1), model.Shapes[1]);
        Assert.Equal(new IterationShape(32, 32 * 64 + 528, 0, 0, 1), model.Shapes[2]);
        Assert.Equal(new IterationShape(4, 4 * 96 + 10, 0, 0, 1), model.Shapes[3]);
        double ttft = 4 * 0.010 + 100 * 1e-4 + 5050 * 1e-7; // the chunks' contexts add up to 5050
        Close.Equal(ttft, result.Requests[0].TimeToFirstToken.Value);
        Close.Equal(model.Decode(1, 101), result.Requests[0].TimePerOutputToken!.Value.Value);
    }

    [Fact]
    public void Prefill_alone_holds_up_the_running_decodes()
    {
        // A (100 in, 4 out) arrives at 0; B (100 in, 2 out) at 0.025 s, during A's first decode step
        // (0.020505 to 0.031606 s). Mixed, the next iteration prefills B beside A's decode; alone, B prefills by
        // itself and A waits for it.
        var requests = new[] { new Request(0, Seconds.Zero, 100, 4), new Request(1, new Seconds(0.025), 100, 2) };
        var mixedModel = Model(log: true);
        Served.Run(ServingDeployment.Aggregated(1, mixedModel), requests, new SchedulerOptions());
        Assert.Equal(new IterationShape(100, 5050, 1, 102, 1), mixedModel.Shapes[2]);

        var model = Model(log: true);
        ServingResult result = Served.Run(ServingDeployment.Aggregated(1, model), requests, new SchedulerOptions { MixedPrefill = false });
        Assert.Equal(new IterationShape(100, 5050, 0, 0, 1), model.Shapes[2]);
        Assert.DoesNotContain(model.Shapes, s => s.PrefillTokens > 0 && s.DecodeSequences > 0);
        // A: prefill, decode at 101, B's prefill, its decode at 102 beside B's one decode (at 101), its last at 103.
        double aFinish = model.Prefill(100, 5050) + model.Decode(1, 101) + model.Prefill(100, 5050)
                         + model.Decode(2, 102 + 101) + model.Decode(1, 103);
        Close.Equal(aFinish, result.Requests[0].Finish.Value);
        Close.Equal(0.031606 + model.Prefill(100, 5050) - 0.025, result.Requests[1].TimeToFirstToken.Value);
    }

    [Fact]
    public void Full_batch_throughput_is_batch_over_decode_step_time()
    {
        // Decode step time independent of context, so the steady part is exactly periodic.
        var model = new FakeServingCostModel { Fixed = 0.010, PerPrefillToken = 1e-5, PerDecodeSequence = 1e-3 };
        const int n = 8, input = 50, output = 200;
        var options = new SchedulerOptions { MaxBatchSequences = n, ChunkTokenBudget = 8192 };

        ServingResult result = Served.Run(ServingDeployment.Aggregated(1, model), RequestGenerator.Burst(n, input, output), options);

        double prefill = model.Prefill(n * input, 0);   // all eight prompts in one iteration: 0.014 s
        double step = model.Decode(n, 0);               // 0.018 s
        double makespan = prefill + (output - 1) * step;
        Close.Equal(makespan, result.Makespan.Value);
        Close.Equal(n * output / makespan, result.OutputThroughput.PerSecond);
        foreach (RequestMetrics m in result.Requests)
        {
            Close.Equal(prefill, m.TimeToFirstToken.Value);
            Close.Equal(step, m.TimePerOutputToken!.Value.Value);
        }
        // Steady-state throughput is n / step. Over the makespan the one prefill iteration replaces one decode
        // step out of `output`, so the two differ by |prefill − step| / (output · step) ≈ 0.1 %; allow 1 %.
        Assert.InRange(result.OutputThroughput.PerSecond / (n / step), 0.99, 1.01);
        Assert.All(result.TimeSeries.Samples.Where(s => s.Time.Value > prefill && s.Time.Value < makespan),
            s => Assert.Equal(n, s.RunningSequences));
    }

    [Fact]
    public void Arrivals_at_the_same_instant_share_the_first_iteration()
    {
        var model = Model(log: true);
        Served.Run(ServingDeployment.Aggregated(1, model), RequestGenerator.Burst(3, 10, 1), new SchedulerOptions());
        Assert.Single(model.Shapes);
        Assert.Equal(new IterationShape(30, 3 * 55, 0, 0, 3), model.Shapes[0]);
    }

    [Fact]
    public void Slo_goodput_counts_requests_meeting_both_limits()
    {
        var model = Model();
        var requests = RequestGenerator.Burst(4, 100, 10);
        // All four prefill together (TTFT = one 400-token iteration); TTFT limit just under it fails everyone.
        double ttft = model.Prefill(400, 4 * 5050);
        var tight = new SchedulerOptions { Slo = new ServiceLevelObjective(new Seconds(ttft * 0.999), new Seconds(1)) };
        var loose = new SchedulerOptions { Slo = new ServiceLevelObjective(new Seconds(ttft * 1.001), new Seconds(1)) };

        ServingResult failed = Served.Run(ServingDeployment.Aggregated(1, model), requests, tight);
        ServingResult met = Served.Run(ServingDeployment.Aggregated(1, model), requests, loose);

        Assert.Equal(0, failed.SloAttainment);
        Assert.Equal(0, failed.GoodputRequestsPerSecond);
        Assert.Equal(1, met.SloAttainment);
        Close.Equal(met.RequestsPerSecond, met.GoodputRequestsPerSecond);
        Close.Equal(4 / met.Makespan.Value, met.RequestsPerSecond);
    }
}
