namespace Augur.Simulation.Serving;

/// <summary>
/// A token-length distribution for generated requests: a whole number drawn uniformly from [<see cref="Min"/>,
/// <see cref="Max"/>] inclusive (<see cref="Fixed"/> when both are equal), or from a log-normal of a given mean and
/// coefficient of variation truncated to [1, <see cref="Max"/>] (<see cref="LogNormal"/>).
/// </summary>
public readonly record struct TokenLengths
{
    readonly double _mu, _sigma;

    public TokenLengths(int min, int max)
    {
        if (min < 1) throw new ArgumentOutOfRangeException(nameof(min), min, "token length must be at least 1");
        if (max < min) throw new ArgumentOutOfRangeException(nameof(max), max, $"maximum length must be at least the minimum ({min})");
        Min = min;
        Max = max;
    }

    TokenLengths(int max, double mu, double sigma)
    {
        Min = 1;
        Max = max;
        (_mu, _sigma) = (mu, sigma);
    }

    public int Min { get; }
    public int Max { get; }

    /// <summary>Whether lengths are log-normal rather than uniform.</summary>
    public bool IsLogNormal => _sigma > 0;

    public static TokenLengths Fixed(int tokens) => new(tokens, tokens);

    public static TokenLengths Uniform(int min, int max) => new(min, max);

    /// <summary>
    /// Log-normal lengths of mean <paramref name="mean"/> and coefficient of variation <paramref name="cv"/>
    /// (σ² = ln(1 + cv²), μ = ln(mean) − σ²/2), rounded and kept within [1, <paramref name="max"/>]; fixed at the mean
    /// when cv is 0.
    /// </summary>
    public static TokenLengths LogNormal(int mean, double cv, int max)
    {
        if (mean < 1) throw new ArgumentOutOfRangeException(nameof(mean), mean, "token length must be at least 1");
        if (!(cv >= 0)) throw new ArgumentOutOfRangeException(nameof(cv), cv, "coefficient of variation must be non-negative");
        if (max < mean) throw new ArgumentOutOfRangeException(nameof(max), max, $"maximum length must be at least the mean ({mean})");
        if (cv == 0) return Fixed(mean);
        double s2 = Math.Log(1 + cv * cv);
        return new TokenLengths(max, Math.Log(mean) - s2 / 2, Math.Sqrt(s2));
    }

    /// <summary>Draws a length; consumes no randomness when the length is fixed, two uniforms when log-normal.</summary>
    public int Sample(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (IsLogNormal)
        {
            // Box-Muller: one standard normal from two uniforms (1 − u keeps the logarithm finite).
            double z = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            double tokens = Math.Round(Math.Exp(_mu + _sigma * z));
            return (int)Math.Clamp(tokens, 1, Max);
        }
        return Min == Max ? Min : random.Next(Min, Max + 1);
    }
}
