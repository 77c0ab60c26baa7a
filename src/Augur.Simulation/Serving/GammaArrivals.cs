namespace Augur.Simulation.Serving;

/// <summary>
/// Bursty arrivals: gamma-distributed inter-arrival times with mean 1/rate and a chosen coefficient of
/// variation (standard deviation / mean). CV = 1 is Poisson; CV &gt; 1 is burstier; CV &lt; 1 is more regular.
/// Shape k = 1/CV², scale θ = 1/(rate·k).
/// </summary>
public sealed record GammaArrivals : IArrivalProcess
{
    public GammaArrivals(double requestsPerSecond, double coefficientOfVariation)
    {
        if (!(requestsPerSecond > 0) || double.IsInfinity(requestsPerSecond))
            throw new ArgumentOutOfRangeException(nameof(requestsPerSecond), requestsPerSecond, "arrival rate must be a positive, finite number of requests per second");
        if (!(coefficientOfVariation > 0) || double.IsInfinity(coefficientOfVariation))
            throw new ArgumentOutOfRangeException(nameof(coefficientOfVariation), coefficientOfVariation, "coefficient of variation must be positive and finite");
        RequestsPerSecond = requestsPerSecond;
        CoefficientOfVariation = coefficientOfVariation;
    }

    public double RequestsPerSecond { get; }
    public double CoefficientOfVariation { get; }

    /// <summary>Gamma shape k = 1/CV².</summary>
    public double Shape => 1.0 / (CoefficientOfVariation * CoefficientOfVariation);

    /// <summary>Gamma scale θ in seconds, so that k·θ = 1/rate.</summary>
    public double Scale => 1.0 / (RequestsPerSecond * Shape);

    public double NextInterArrival(Random random) => GammaSampler.Sample(random, Shape) * Scale;
}
