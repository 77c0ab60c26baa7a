namespace Augur.CostModels.Communication;

/// <summary>
/// Collectives inside one torus slice (TPU ICI) as rings along its axes (jax-ml/scaling-book @ 0819a7d8, sharding.md
/// "What happens when we AllGather over multiple axes?" and tpus.md). A group spanning several axes gathers over all of
/// them at once, so their bandwidths add. Each chip's one-way ICI bandwidth is spread over its 2·axes links. An axis
/// ring closed by its wraparound link sends both ways (two links' worth); an open one (a partial axis, or an axis too
/// short for a wraparound) effectively one way, which "typically doubles the time of most communication". Hops:
/// ⌈m/2⌉ on a closed ring of m members, m − 1 on an open one, each paying the tier's latency. Members spaced k chips
/// apart along an axis share its links with the k − 1 groups interleaved with theirs, which run their collectives at
/// the same time: each gets 1/k of the axis and a hop crosses k links. Ranks fill the slice in Megatron order, shortest
/// axis fastest. All-to-all and point-to-point sends keep the switched formulas.
/// </summary>
public static class TorusRings
{
    /// <summary>All-gather producing n bytes on each of g ranks spaced <paramref name="stride"/> apart in one slice; a reduce-scatter costs the same.</summary>
    public static double Gather(in Fabric f, double n, int g, int stride)
    {
        if (g <= 1 || n <= 0) return 0;
        double link = f.ScaleUp.BytesPerSecond / (2.0 * f.TorusAxes);
        var (a, b, c) = f.TorusShape;
        Span<int> dims = [a, b, c];
        double bandwidth = 0, hops = 0;
        long place = 1;
        foreach (int d in dims)
        {
            var (members, step) = Along(stride, g, place, d);
            if (members > 1)
            {
                bool closed = members * step == d && d % f.TorusWrapEvery == 0;
                bandwidth += (closed ? 2 : 1) * link / step;
                hops += (closed ? Math.Ceiling(members / 2.0) : members - 1) * step;
            }
            place *= d;
        }
        if (bandwidth <= 0) bandwidth = link;
        return hops * f.ScaleUp.LatencySeconds + (double)(g - 1) / g * n / bandwidth;
    }

    /// <summary>
    /// How many distinct positions the members take on an axis of length <paramref name="d"/> whose neighbours are
    /// <paramref name="place"/> ranks apart, and how many chips apart they sit on it.
    /// </summary>
    static (int Members, int Step) Along(int stride, int g, long place, int d)
    {
        if (d <= 1 || stride >= place * d) return (1, 1);
        if (stride <= place) return ((int)Math.Min(d, (long)(g - 1) * stride / place + 1), 1);
        int k = (int)(stride / place);
        return (Math.Min(g, (d + k - 1) / k), k);
    }
}
