namespace Augur.CostModels.Communication;

/// <summary>
/// Collective times on a two-tier fabric (Thakur, Rabenseifner &amp; Gropp 2005; nccl-tests doc/PERFORMANCE.md).
/// n is the full buffer in bytes (the all-reduced vector, the gathered result, or what each rank sends in an
/// all-to-all); p ranks spaced <c>stride</c> apart in Megatron rank order. Groups inside one scale-up domain use
/// it alone; groups spanning domains run hierarchically: reduce-scatter inside, the cross-domain step on n/g
/// per GPU over each GPU's own NIC, all-gather inside. Inside a torus domain (TPU ICI) the reduce-scatter and all-gather
/// run as rings along the slice's axes (<see cref="TorusRings"/>).
/// </summary>
public static class Collectives
{
    public static double AllReduce(in Fabric f, double n, int p, int stride)
    {
        if (p <= 1 || n <= 0) return 0;
        int g = f.MembersPerDomain(p, stride);
        if (g >= p) return f.TorusAxes > 0 ? 2 * TorusRings.Gather(f, n, p, stride) : AllReduceFlat(f.ScaleUp, n, p, f.InNetworkGain);
        if (g == 1) return AllReduceFlat(f.ScaleOut, n, p, 1.0);
        int across = p / g;
        return InDomain(f, n, g, stride) + AllReduceFlat(f.ScaleOut, n / g, across, 1.0) + InDomain(f, n, g, stride);
    }

    /// <summary>
    /// The serving engines' own all-reduce of n bytes among p GPUs of one switched scale-up domain (vLLM and SGLang custom
    /// all-reduce, TensorRT-LLM's, aiter's), which picks by size between one shot (every GPU reads all p − 1 peers' n bytes
    /// and reduces them: one barrier) and two shots (reduce-scatter then all-gather over the peers: two barriers, each GPU
    /// moving 2(p − 1)/p · n), each call costing <paramref name="latency"/> per barrier stage; the faster of the two.
    /// </summary>
    public static double PeerAllReduce(in NetworkTier link, double latency, double n, int p)
    {
        if (p <= 1 || n <= 0) return 0;
        double oneShot = latency + n * (p - 1) / link.BytesPerSecond;
        double twoShot = 2 * latency + 2.0 * (p - 1) / p * n / link.BytesPerSecond;
        return Math.Min(oneShot, twoShot);
    }

    /// <summary>All-gather producing n bytes on every rank (each contributes n/p). Reduce-scatter costs the same.</summary>
    public static double AllGather(in Fabric f, double n, int p, int stride)
    {
        if (p <= 1 || n <= 0) return 0;
        int g = f.MembersPerDomain(p, stride);
        if (g >= p) return InDomain(f, n, p, stride);
        if (g == 1) return ReduceScatterFlat(f.ScaleOut, n, p);
        int across = p / g;
        return ReduceScatterFlat(f.ScaleOut, n / g, across) + InDomain(f, n, g, stride);
    }

    /// <summary>Reduce-scatter or all-gather of n bytes among g ranks of one scale-up domain.</summary>
    static double InDomain(in Fabric f, double n, int g, int stride) =>
        f.TorusAxes > 0 ? TorusRings.Gather(f, n, g, stride) : ReduceScatterFlat(f.ScaleUp, n, g);

    public static double ReduceScatter(in Fabric f, double n, int p, int stride) => AllGather(f, n, p, stride);

    /// <summary>All-to-all where each rank sends n bytes spread evenly over the p ranks (itself included).</summary>
    public static double AllToAll(in Fabric f, double n, int p, int stride)
    {
        if (p <= 1 || n <= 0) return 0;
        int g = f.MembersPerDomain(p, stride);
        double local = n * (g - 1) / p / f.ScaleUp.BytesPerSecond + f.ScaleUp.LatencySeconds;
        if (g >= p) return local;
        double remote = n * (p - g) / p / f.ScaleOut.BytesPerSecond + f.ScaleOut.LatencySeconds;
        return Math.Max(local, remote);
    }

    /// <summary>
    /// Expert dispatch (or combine) of one rank's tokens, <paramref name="tokenBytes"/> being one copy of each, to
    /// <paramref name="copies"/> expert shards. Prefill tokens (<paramref name="throughputShare"/> of them) travel as
    /// DeepEP's normal kernels send them (deepseek-ai/DeepEP README: NVLink-to-RDMA forwarding): once per remote
    /// domain holding one of their experts, then over the scale-up domain; with uniform routing a token reaches
    /// D·(1 − (1 − 1/D)^copies) of the D domains, (D − 1)/D of them remote. Decode tokens travel as the low-latency
    /// kernels send them: every copy straight to its rank, the plain all-to-all. Adding prefill tokens to a pass
    /// therefore never makes its decode tokens cheaper. Inside one domain both are the plain all-to-all.
    /// Training passes top-k copies and <paramref name="throughputShare"/> 0 for Megatron's alltoall dispatcher, which
    /// sends every (token, expert) pair, or 1 for DeepEP's normal kernels (training.dispatcher: deepep). Node-limited routing (DeepSeek-V3 sends a token to at most 4 nodes) is not modelled; the callers scale
    /// <paramref name="tokenBytes"/> to the busiest rank's load (ExpertRouting.BusiestRankFactor).
    /// </summary>
    public static double ExpertExchange(in Fabric f, double tokenBytes, double copies, int p, int stride, double throughputShare)
    {
        if (p <= 1 || tokenBytes <= 0) return 0;
        int g = f.MembersPerDomain(p, stride);
        double s = Math.Clamp(throughputShare, 0, 1);
        if (g >= p || s == 0) return AllToAll(f, tokenBytes * copies, p, stride);
        double domains = (double)p / g;
        double remoteDomains = domains * (1 - Math.Pow(1 - 1 / domains, copies)) * (domains - 1) / domains;
        double local = tokenBytes * copies * ((1 - s) * (g - 1) / p + s * (g - 1) / g) / f.ScaleUp.BytesPerSecond + f.ScaleUp.LatencySeconds;
        double remote = tokenBytes * ((1 - s) * copies * (p - g) / p + s * remoteDomains) / f.ScaleOut.BytesPerSecond + f.ScaleOut.LatencySeconds;
        return Math.Max(local, remote);
    }

    /// <summary>Point-to-point send of n bytes between neighbours <paramref name="stride"/> ranks apart.</summary>
    public static double SendRecv(in Fabric f, double n, int stride) => Send(stride >= f.DomainSize ? f.ScaleOut : f.ScaleUp, n);

    /// <summary>n bytes to one receiver over one link: its latency, then the bytes at its rate.</summary>
    public static double Send(in NetworkTier link, double n) => n <= 0 ? 0 : n / link.BytesPerSecond + link.LatencySeconds;

    /// <summary>All-reduce of n bytes per GPU among <paramref name="sites"/> peers, one per site, over the wide-area tier.</summary>
    public static double AllReduceAcross(NetworkTier wan, double n, int sites) =>
        sites <= 1 || n <= 0 ? 0 : AllReduceFlat(wan, n, sites, 1.0);

    /// <summary>Ring all-reduce, or a pipelined tree when its latency term wins (small messages, many ranks).</summary>
    static double AllReduceFlat(NetworkTier t, double n, int p, double gain)
    {
        double ring = 2.0 * (p - 1) * t.LatencySeconds + 2.0 * (p - 1) / p * n / (t.BytesPerSecond * gain);
        double tree = 2.0 * Math.Log2(p) * t.LatencySeconds + 2.0 * n / (t.BytesPerSecond * gain);
        return Math.Min(ring, tree);
    }

    static double ReduceScatterFlat(NetworkTier t, double n, int p) =>
        (p - 1) * t.LatencySeconds + (double)(p - 1) / p * n / t.BytesPerSecond;
}
