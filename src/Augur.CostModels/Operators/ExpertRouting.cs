using MathNet.Numerics.Distributions;
using MathNet.Numerics.Integration;
using Augur.Domain.Workloads;

namespace Augur.CostModels.Operators;

/// <summary>Which experts a batch of tokens reaches, and how unevenly, assuming uniform routing (docs/FORMULAS.md §6).</summary>
public static class ExpertRouting
{
    /// <summary>
    /// Expected distinct experts touched in one MoE layer by <paramref name="tokens"/> tokens each picking
    /// top-<paramref name="topK"/> of <paramref name="experts"/>: E·(1 − (1 − k/E)^T).
    /// </summary>
    public static double DistinctExperts(int experts, int topK, double tokens)
    {
        if (tokens <= 0 || experts <= 0) return 0;
        return experts * (1 - Math.Pow(1 - (double)topK / experts, tokens));
    }

    /// <summary>
    /// Load of the busiest of <paramref name="ranks"/> expert-parallel ranks over the mean, in one MoE layer, when
    /// <paramref name="tokens"/> tokens (across the whole EP group) each pick top-<paramref name="topK"/> of
    /// <paramref name="experts"/> experts spread evenly over the ranks, routing uniform in expectation (a load
    /// balancer has removed the systematic skew; what stays is the chance of one batch). The visits a rank gets from
    /// one token are hypergeometric (k draws from E, E/R of them on the rank), so over T independent tokens the
    /// rank's load has mean μ = T·k/R and variance σ² = T·k·(1/R)(1 − 1/R)(E − k)/(E − 1). The R loads always add up to
    /// T·k, so they are correlated −1/(R − 1): each is the mean plus σ·√(R/(R − 1)) times a standard normal less the
    /// average of all R, and the busiest sits z_R such units above the mean (<see cref="ExpectedMaxOfStandardNormals"/>):
    /// 1 + z_R·σ·√(R/(R − 1))/μ. It is at least ⌈μ⌉/μ (some rank takes a whole visit more than a fractional mean) and
    /// at most what every token putting min(k, E/R) visits on one rank allows. The grouped expert GEMMs and the
    /// all-to-all of a layer wait for that rank. Large batches (prefill, training) stay within a few percent of the
    /// mean; a decode step of a few hundred tokens over 64 ranks runs 20-40% above it.
    /// </summary>
    public static double BusiestRankFactor(int experts, int topK, int ranks, double tokens)
    {
        if (ranks <= 1 || tokens <= 0 || experts <= topK) return 1;
        double r = ranks, e = experts, k = topK;
        double mean = tokens * k / r;
        double sd = Math.Sqrt(tokens * k / r * (1 - 1 / r) * (e - k) / (e - 1) * r / (r - 1));
        double floor = Math.Ceiling(mean) / mean;
        double ceiling = Math.Min(k, e / r) * r / k;
        return Math.Clamp(1 + ExpectedMaxOfStandardNormals(ranks) * sd / mean, floor, ceiling);
    }

    /// <summary>
    /// The busiest rank's load over the mean under forced even routing: the T·k visits split as evenly as whole visits
    /// allow, so one rank takes ⌈μ⌉ of a mean μ = T·k/R (1 once μ is whole, and for large batches in all but name).
    /// </summary>
    public static double BalancedRankFactor(int topK, int ranks, double tokens)
    {
        if (ranks <= 1 || tokens <= 0) return 1;
        double mean = tokens * topK / ranks;
        return Math.Ceiling(mean) / mean;
    }

    /// <summary>The busiest rank's load over the mean for a routing mode: random per batch, or forced even.</summary>
    public static double RankFactor(ExpertRoutingMode mode, int experts, int topK, int ranks, double tokens) =>
        mode == ExpertRoutingMode.Random ? BusiestRankFactor(experts, topK, ranks, tokens) : BalancedRankFactor(topK, ranks, tokens);

    /// <summary>
    /// Experts a batch touches: the expected distinct ones under random routing, min(E, T·k) when forced balance spreads
    /// the visits over as many experts as it can.
    /// </summary>
    public static double TouchedExperts(ExpertRoutingMode mode, int experts, int topK, double tokens) =>
        mode == ExpertRoutingMode.Random ? DistinctExperts(experts, topK, tokens) : Math.Min(experts, tokens * topK);

    static readonly double[] s_maxOfNormals = new double[4097];

    /// <summary>
    /// E[max of n independent standard normals] = ∫ x·n·φ(x)·Φ(x)^(n−1) dx (0 for n = 1, 1/√π for n = 2, 2.5076 for
    /// n = 100). Computed once per n up to 4,096 and kept.
    /// </summary>
    public static double ExpectedMaxOfStandardNormals(int n)
    {
        if (n <= 1) return 0;
        if (n < s_maxOfNormals.Length && s_maxOfNormals[n] != 0) return s_maxOfNormals[n];
        double value = GaussLegendreRule.Integrate(
            x => x * n * Normal.PDF(0, 1, x) * Math.Pow(Normal.CDF(0, 1, x), n - 1), -8, 9, 128);
        if (n < s_maxOfNormals.Length) s_maxOfNormals[n] = value;
        return value;
    }
}
