using Augur.Units;

namespace Augur.Simulation.Serving;

/// <summary>Builds synthetic request streams from an arrival process and length distributions.</summary>
public static class RequestGenerator
{
    /// <summary>
    /// <paramref name="count"/> requests with ids 0..count-1. The first arrives after one inter-arrival gap
    /// from t = 0. Draw order per request: gap, input length, output length (so results depend only on the seed).
    /// </summary>
    public static IReadOnlyList<Request> Generate(
        IArrivalProcess arrivals, TokenLengths input, TokenLengths output, int count, Random random)
    {
        ArgumentNullException.ThrowIfNull(arrivals);
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var requests = new Request[count];
        double time = 0;
        for (int i = 0; i < count; i++)
        {
            time += arrivals.NextInterArrival(random);
            requests[i] = new Request(i, new Seconds(time), input.Sample(random), output.Sample(random));
        }
        return Array.AsReadOnly(requests);
    }

    /// <summary><paramref name="count"/> requests all arriving at t = 0 with drawn lengths (an RL rollout's batch).</summary>
    public static IReadOnlyList<Request> Batch(int count, TokenLengths input, TokenLengths output, Random random)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentNullException.ThrowIfNull(random);
        var requests = new Request[count];
        for (int i = 0; i < count; i++) requests[i] = new Request(i, Seconds.Zero, input.Sample(random), output.Sample(random));
        return Array.AsReadOnly(requests);
    }

    /// <summary><paramref name="count"/> identical requests all arriving at t = 0 (a closed batch).</summary>
    public static IReadOnlyList<Request> Burst(int count, int inputTokens, int outputTokens)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var requests = new Request[count];
        for (int i = 0; i < count; i++) requests[i] = new Request(i, Seconds.Zero, inputTokens, outputTokens);
        return Array.AsReadOnly(requests);
    }
}
