namespace Augur.Simulation.Serving;

/// <summary>
/// Gamma(shape, scale 1) variates by Marsaglia and Tsang's squeeze method ("A simple method for generating
/// gamma variables", ACM TOMS 26(3), 2000). For shape &lt; 1 it uses the boost Gamma(k) = Gamma(k+1)·U^(1/k).
/// Pure functions of the <see cref="Random"/> passed in.
/// </summary>
public static class GammaSampler
{
    /// <summary>One Gamma(<paramref name="shape"/>, 1) variate; its mean is <paramref name="shape"/>.</summary>
    public static double Sample(Random random, double shape)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (!(shape > 0) || double.IsInfinity(shape))
            throw new ArgumentOutOfRangeException(nameof(shape), shape, "gamma shape must be positive and finite");
        if (shape < 1.0)
        {
            double boosted = Sample(random, shape + 1.0);
            double u = 1.0 - random.NextDouble(); // (0, 1]
            return boosted * Math.Pow(u, 1.0 / shape);
        }

        double d = shape - 1.0 / 3.0;
        double c = 1.0 / Math.Sqrt(9.0 * d);
        while (true)
        {
            double x = StandardNormal(random);
            double t = 1.0 + c * x;
            if (t <= 0) continue;
            double v = t * t * t;
            double u = 1.0 - random.NextDouble(); // (0, 1], log is finite
            double x2 = x * x;
            if (u < 1.0 - 0.0331 * x2 * x2) return d * v;
            if (Math.Log(u) < 0.5 * x2 + d * (1.0 - v + Math.Log(v))) return d * v;
        }
    }

    /// <summary>A standard normal variate by the Box–Muller transform (one of the pair; the other is discarded).</summary>
    public static double StandardNormal(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        double u1 = 1.0 - random.NextDouble(); // (0, 1]
        double u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
