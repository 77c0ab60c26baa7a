using Augur.Simulation.Serving;
using Augur.Units;

namespace Augur.Tests.Simulation;

/// <summary>
/// Decode-only stretches run ahead of the event queue (<see cref="SchedulerOptions.RunAhead"/>) give the timeline the
/// engine gives stepping every iteration through the queue: worked out by hand on constant lengths, and compared run
/// against run where runs are cut by completions, KV blocks, arrivals and time-series samples.
/// </summary>
public class RunAheadTests
{
    static readonly SchedulerOptions StepByStep = new() { RunAhead = false };

    static FakeServingCostModel Linear(long kvTokens = 1_000_000) => new()
    {
        Fixed = 0.01, PerPrefillToken = 1e-4, PerPrefillContextToken = 1e-7, PerDecodeSequence = 1e-3, PerDecodeContextToken = 1e-6,
        KvCapacityTokens = kvTokens, LogShapes = true,
    };

    [Fact]
    public void Constant_lengths_finish_at_the_hand_worked_sum()
    {
        var model = Linear();
        // Four prompts of 100 tokens, 1,000 output tokens each, all at t = 0 on one replica.
        ServingResult result = Served.Run(ServingDeployment.Aggregated(1, model), RequestGenerator.Burst(4, 100, 1000), new SchedulerOptions());

        // Prefill: 400 tokens in one iteration, each prompt's context 1 + … + 100 = 5,050:
        //   0.01 + 400·1e-4 + 4·5,050·1e-7 = 0.05202 s (the first token).
        // Decode step k = 1..999: 4 sequences attending 4·(100 + k): 0.01 + 4·1e-3 + 4·(100 + k)·1e-6 = 0.0144 + 4e-6·k s.
        //   Sum: 999·0.0144 + 4e-6·(999·1,000/2) = 14.3856 + 1.998 = 16.3836 s.
        const double ttft = 0.05202, decode = 16.3836;
        Close.Equal(ttft + decode, result.Makespan.Value);
        Assert.All(result.Requests, r =>
        {
            Close.Equal(ttft, r.TimeToFirstToken.Value);
            Close.Equal(decode / 999, r.TimePerOutputToken!.Value.Value);
            Close.Equal(ttft + decode, r.Finish.Value);
        });
        Assert.Equal(1000, result.Iterations);
        // The 999 decode steps are one run: the cost model is asked at a few points of the line, not at every step.
        Assert.True(model.Shapes.Count < 50, $"asked {model.Shapes.Count} times for 1,000 iterations");
    }

    [Fact]
    public void A_short_run_asks_the_cost_model_what_stepping_asks_it()
    {
        // Ten output tokens: nine decode steps, under the length from which a run is drawn as a line.
        FakeServingCostModel ahead = Linear(), step = Linear();
        var requests = RequestGenerator.Burst(3, 100, 10);
        ServingResult a = Served.Run(ServingDeployment.Aggregated(1, ahead), requests, new SchedulerOptions());
        ServingResult s = Served.Run(ServingDeployment.Aggregated(1, step), requests, StepByStep);
        Assert.Equal(step.Shapes, ahead.Shapes);
        Assert.Equal(s.Requests, a.Requests);
    }

    [Fact]
    public void A_kink_in_the_cost_is_found_and_stepped_around()
    {
        // Decode time is the larger of two lines in context (as a roofline's FLOP and byte times are); they cross at
        // 2·(100 + k) = 1,000 context tokens, step k = 400 of 999.
        var model = new KinkedCost();
        var requests = RequestGenerator.Burst(2, 100, 1000);
        ServingResult a = Served.Run(ServingDeployment.Aggregated(1, model), requests, new SchedulerOptions());
        ServingResult s = Served.Run(ServingDeployment.Aggregated(1, model), requests, StepByStep);

        double prefill = model.IterationTime(new IterationShape(200, 2 * 5050, 0, 0, 2)).Value, decode = 0;
        for (int k = 1; k <= 999; k++) decode += model.IterationTime(new IterationShape(0, 0, 2, 2 * (100 + k))).Value;
        Close.Equal(prefill + decode, a.Makespan.Value);
        AssertSame(s, a);
    }

    [Fact]
    public void Runs_cut_by_the_kv_cache_preempt_as_stepping_does()
    {
        // Four sequences growing to 1,099 tokens (69 blocks of 16 each) in a cache of 187 blocks: the runs end where a
        // step would lack a block, and the newest sequence is evicted then, as step by step.
        var requests = RequestGenerator.Burst(4, 100, 1000);
        ServingResult a = Served.Run(ServingDeployment.Aggregated(1, Linear(3000)), requests, new SchedulerOptions());
        ServingResult s = Served.Run(ServingDeployment.Aggregated(1, Linear(3000)), requests, StepByStep);
        Assert.True(s.Preemptions > 0, "the small cache should force preemptions");
        AssertSame(s, a);
    }

    [Fact]
    public void Arrivals_routing_and_drawn_lengths_give_the_stepped_timeline()
    {
        var requests = RequestGenerator.Generate(new PoissonArrivals(6), TokenLengths.Uniform(50, 400), TokenLengths.Uniform(20, 800), 300, new Random(5));
        var options = new SchedulerOptions { MaxBatchSequences = 16, ChunkTokenBudget = 512, Routing = RoutingPolicy.LeastOutstandingWork };
        ServingResult a = Served.Run(ServingDeployment.Aggregated(3, Linear(6000)), requests, options);
        ServingResult s = Served.Run(ServingDeployment.Aggregated(3, Linear(6000)), requests, options with { RunAhead = false });
        Assert.True(s.Preemptions > 0, "the small cache should force preemptions");
        AssertSame(s, a);
    }

    [Fact]
    public void The_time_series_sees_blocks_when_the_skipped_steps_took_them()
    {
        // A closed batch of drawn lengths on two replicas: samples fall inside runs, whose blocks are taken step by step.
        var requests = RequestGenerator.Batch(64, TokenLengths.Uniform(100, 300), TokenLengths.Uniform(100, 3000), new Random(9));
        var options = new SchedulerOptions { MaxBatchSequences = 32, SampleInterval = new Seconds(0.05) };
        ServingResult a = Served.Run(ServingDeployment.Aggregated(2, Linear()), requests, options);
        ServingResult s = Served.Run(ServingDeployment.Aggregated(2, Linear()), requests, options with { RunAhead = false });
        Assert.True(s.TimeSeries.Samples.Select(x => x.KvCacheUsedFraction).Distinct().Count() > 100, "the KV share should move between samples");
        AssertSame(s, a);
    }

    /// <summary>
    /// Same counts and iterations; every time agrees to 1e-12 relative (a run drawn as a line sums its steps from the
    /// line's values, not the cost model's, which differ in the last bits).
    /// </summary>
    static void AssertSame(ServingResult stepped, ServingResult ahead)
    {
        Assert.Equal(stepped.Iterations, ahead.Iterations);
        Assert.Equal(stepped.Preemptions, ahead.Preemptions);
        Close.Equal(stepped.Makespan.Value, ahead.Makespan.Value);
        for (int i = 0; i < stepped.Requests.Count; i++)
        {
            RequestMetrics s = stepped.Requests[i], a = ahead.Requests[i];
            Assert.Equal(s.Preemptions, a.Preemptions);
            Close.Equal(s.FirstToken.Value, a.FirstToken.Value);
            Close.Equal(s.Finish.Value, a.Finish.Value);
        }
        Assert.Equal(stepped.TimeSeries.Interval, ahead.TimeSeries.Interval);
        Assert.Equal(stepped.TimeSeries.Samples.Count, ahead.TimeSeries.Samples.Count);
        for (int i = 0; i < stepped.TimeSeries.Samples.Count; i++)
        {
            ServingSample s = stepped.TimeSeries.Samples[i], a = ahead.TimeSeries.Samples[i];
            Assert.Equal((s.Time, s.WaitingRequests, s.RunningSequences), (a.Time, a.WaitingRequests, a.RunningSequences));
            Assert.Equal(s.KvCacheUsedFraction, a.KvCacheUsedFraction);
        }
    }

    /// <summary>Prefill as the linear fake; a decode step takes 10 ms plus the larger of 1 µs and 3 µs − 1 ms per context token.</summary>
    sealed class KinkedCost : IServingCostModel
    {
        public long KvCapacityTokens => 1_000_000;

        public Seconds IterationTime(in IterationShape s) => new(0.01 + 1e-4 * s.PrefillTokens + 1e-7 * s.PrefillContextTokens
            + (s.DecodeSequences > 0 ? Math.Max(1e-6 * s.DecodeContextTokens, 3e-6 * s.DecodeContextTokens - 2e-3) : 0));

        public Seconds KvTransferTime(int promptTokens) => Seconds.Zero;
    }
}
