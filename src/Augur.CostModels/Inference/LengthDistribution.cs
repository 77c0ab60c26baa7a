using MathNet.Numerics.Distributions;

namespace Augur.CostModels.Inference;

/// <summary>Request lengths of a given mean and coefficient of variation, drawn log-normal (the simulator's generator).</summary>
public static class LengthDistribution
{
    /// <summary>
    /// E[L²] / E[L]² = 1 + cv²: how much a length-weighted mean exceeds the plain one (a long prompt's tokens attend more
    /// keys; a long output holds its slot, and its KV, longer).
    /// </summary>
    public static double SizeBias(double cv) => 1 + cv * cv;

    /// <summary>
    /// Share of log-normal lengths of mean <paramref name="mean"/> and coefficient of variation <paramref name="cv"/>
    /// above <paramref name="limit"/>: 1 − Φ((ln limit − μ)/σ) with σ² = ln(1 + cv²), μ = ln(mean) − σ²/2; 0 for fixed
    /// lengths at or under the limit.
    /// </summary>
    public static double ShareAbove(double mean, double cv, double limit)
    {
        if (cv <= 0) return mean > limit ? 1 : 0;
        double s2 = Math.Log(1 + cv * cv), mu = Math.Log(mean) - s2 / 2;
        return 1 - Normal.CDF(0, 1, (Math.Log(limit) - mu) / Math.Sqrt(s2));
    }

    /// <summary>
    /// The length above which a share <paramref name="share"/> of those log-normal lengths falls, the inverse of
    /// <see cref="ShareAbove"/>: exp(μ + σ·Φ⁻¹(1 − share)).
    /// </summary>
    public static double LengthAbove(double mean, double cv, double share)
    {
        double s2 = Math.Log(1 + cv * cv), mu = Math.Log(mean) - s2 / 2;
        return Math.Exp(mu + Math.Sqrt(s2) * Normal.InvCDF(0, 1, 1 - share));
    }
}
