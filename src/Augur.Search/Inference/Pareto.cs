namespace Augur.Search.Inference;

/// <summary>The non-dominated set on (tokens/s per GPU ↑, tokens/s per user ↑).</summary>
public static class Pareto
{
    /// <summary>
    /// Sort by tokens/s per user descending (ties: per GPU descending) and keep each point that beats every faster
    /// one on tokens/s per GPU; returned by tokens/s per user ascending. Equal points appear once.
    /// </summary>
    public static IReadOnlyList<ServingPoint> Front(IEnumerable<ServingPoint> points)
    {
        var front = new List<ServingPoint>();
        double bestPerGpu = double.NegativeInfinity;
        foreach (var p in points.OrderByDescending(p => p.TokensPerSecondPerUser).ThenByDescending(p => p.TokensPerSecondPerGpu))
        {
            if (p.TokensPerSecondPerGpu <= bestPerGpu) continue;
            bestPerGpu = p.TokensPerSecondPerGpu;
            front.Add(p);
        }
        front.Reverse();
        return front;
    }
}
