namespace Augur.Simulation.Serving;

/// <summary>A renewal process of request arrivals: draws the gap before the next arrival.</summary>
public interface IArrivalProcess
{
    /// <summary>Seconds between one arrival and the next, drawn from <paramref name="random"/>.</summary>
    double NextInterArrival(Random random);
}
