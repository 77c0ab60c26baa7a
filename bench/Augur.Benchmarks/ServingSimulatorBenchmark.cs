using Augur.Simulation.Serving;
using Augur.Units;
using BenchmarkDotNet.Attributes;

namespace Augur.Benchmarks;

/// <summary>
/// Serving-simulator speed: 100,000 requests of 1,000 input and 500 output tokens, Poisson arrivals at
/// 80 req/s, on 8 aggregated TP8 replicas (a 64-GPU deployment) with a cheap linear cost model.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 3)]
[MemoryDiagnoser]
public class ServingSimulatorBenchmark
{
    private IReadOnlyList<Request> _requests = [];
    private ServingDeployment _deployment = null!;
    private readonly SchedulerOptions _options = new() { MaxBatchSequences = 256, ChunkTokenBudget = 8192, Routing = RoutingPolicy.LeastOutstandingWork };

    [GlobalSetup]
    public void Setup()
    {
        _requests = RequestGenerator.Generate(new PoissonArrivals(80), TokenLengths.Fixed(1000), TokenLengths.Fixed(500), 100_000, new Random(42));
        _deployment = ServingDeployment.Aggregated(8, new LinearCostModel());
    }

    [Benchmark]
    public ServingResult HundredThousandRequestsOnEightReplicas() => ServingSimulation.Run(_deployment, _requests, _options);

    /// <summary>
    /// Roughly a 70B dense model on one TP8 replica: 12 ms fixed overhead, 25 µs per prefill token,
    /// 40 µs per decoding sequence, 20 ns per KV token read; about 1.2 M tokens of KV cache.
    /// </summary>
    private sealed class LinearCostModel : IServingCostModel
    {
        public long KvCapacityTokens => 1_200_000;

        public Seconds IterationTime(in IterationShape shape) => new(
            0.012 + 25e-6 * shape.PrefillTokens + 1e-10 * shape.PrefillContextTokens
            + 40e-6 * shape.DecodeSequences + 20e-9 * shape.DecodeContextTokens);

        public Seconds KvTransferTime(int promptTokens) => Seconds.Zero;
    }
}
