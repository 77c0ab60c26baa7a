namespace Augur.Simulation.Serving;

/// <summary>Poisson arrivals: exponential inter-arrival times with mean 1/rate (coefficient of variation 1).</summary>
public sealed record PoissonArrivals : IArrivalProcess
{
    public PoissonArrivals(double requestsPerSecond)
    {
        if (!(requestsPerSecond > 0) || double.IsInfinity(requestsPerSecond))
            throw new ArgumentOutOfRangeException(nameof(requestsPerSecond), requestsPerSecond, "arrival rate must be a positive, finite number of requests per second");
        RequestsPerSecond = requestsPerSecond;
    }

    public double RequestsPerSecond { get; }

    public double NextInterArrival(Random random)
    {
        // 1 - U lies in (0, 1], so the logarithm is finite.
        return -Math.Log(1.0 - random.NextDouble()) / RequestsPerSecond;
    }
}
