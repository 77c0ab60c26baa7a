namespace Augur.CostModels.Communication;

/// <summary>
/// One kind of exchange between sites, as a step sees it. Every GPU exchanges its shard with its peers in the other
/// sites at once, so the whole site's traffic shares the site's WAN: the per-GPU view (shard bytes over the GPU's
/// share of the WAN) equals the site view (model bytes over the site's WAN).
/// </summary>
public readonly record struct CrossSiteExchange
{
    public required int Sites { get; init; }
    /// <summary>Bytes each GPU exchanges per full synchronisation (all fragments together).</summary>
    public required double BytesPerGpu { get; init; }
    /// <summary>One-way latency between sites, seconds.</summary>
    public required double Latency { get; init; }
    /// <summary>Steps between two exchanges of the same fragment: 1 for synchronous training, H for DiLoCo.</summary>
    public required int Period { get; init; }
    /// <summary>Fragments exchanged in turn (Streaming DiLoCo); 1 exchanges the whole model at once.</summary>
    public required int Fragments { get; init; }
    /// <summary>Compute an exchange can hide behind: the backward pass it starts in (and τ further steps when streaming overlaps).</summary>
    public required double Window { get; init; }
}

/// <summary>
/// Exposed time of data parallelism across sites (docs/FORMULAS.md §5). One fragment's all-reduce over the WAN costs
/// A(n/P) (ring or tree, <see cref="Collectives.AllReduceAcross"/>); what the window does not hide is paid once per
/// fragment exchange, and one fragment travels every Period/P steps, so per step
/// exposed = max(0, A(n/P) − window) · P / Period. With Period = P = 1 this is the synchronous all-reduce overlapped
/// with backward as data parallelism is inside a site; with P = 1 and window = backward it is vanilla DiLoCo,
/// whose average is the (2N/W)(1 − 1/R) + ε per H steps of "Scaling Laws for DiLoCo" (arXiv 2503.09799, App. A).
/// </summary>
public static class CrossSite
{
    public static double ExposedPerStep(in CrossSiteExchange x, double wanBytesPerSecondPerGpu)
    {
        if (x.Sites <= 1 || x.BytesPerGpu <= 0) return 0;
        double fragment = Collectives.AllReduceAcross(new NetworkTier(wanBytesPerSecondPerGpu, x.Latency), x.BytesPerGpu / x.Fragments, x.Sites);
        return Math.Max(0, fragment - x.Window) * x.Fragments / x.Period;
    }

    /// <summary>Share of the step spent computing rather than waiting on the WAN: T / (T + exposed).</summary>
    public static double Utilization(double stepWithoutWan, double exposed) =>
        stepWithoutWan <= 0 ? 1 : stepWithoutWan / (stepWithoutWan + exposed);

    /// <summary>
    /// The least WAN bandwidth per GPU (bytes/s, one direction) at which <see cref="Utilization"/> reaches
    /// <paramref name="target"/>, by bisection through <see cref="ExposedPerStep"/> itself (exposure falls as
    /// bandwidth rises); null when latency alone exposes more than the target allows.
    /// </summary>
    public static double? BandwidthFor(in CrossSiteExchange x, double stepWithoutWan, double target)
    {
        double allowed = stepWithoutWan * (1 / target - 1);
        if (ExposedPerStep(x, double.PositiveInfinity) > allowed) return null;
        double lo = 1, hi = 1;
        while (ExposedPerStep(x, hi) > allowed) { lo = hi; hi *= 2; if (hi > 1e30) return null; }
        if (hi == 1) return 1;
        for (int i = 0; i < 200 && hi / lo > 1 + 1e-9; i++)
        {
            double mid = Math.Sqrt(lo * hi);
            if (ExposedPerStep(x, mid) > allowed) lo = mid; else hi = mid;
        }
        return hi;
    }
}
