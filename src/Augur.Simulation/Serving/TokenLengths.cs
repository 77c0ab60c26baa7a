namespace Augur.Simulation.Serving;

/// <summary>
/// A token-length distribution for generated requests: a whole number drawn uniformly from
/// [<see cref="Min"/>, <see cref="Max"/>] inclusive; <see cref="Fixed"/> when both are equal.
/// </summary>
public readonly record struct TokenLengths
{
    public TokenLengths(int min, int max)
    {
        if (min < 1) throw new ArgumentOutOfRangeException(nameof(min), min, "token length must be at least 1");
        if (max < min) throw new ArgumentOutOfRangeException(nameof(max), max, $"maximum length must be at least the minimum ({min})");
        Min = min;
        Max = max;
    }

    public int Min { get; }
    public int Max { get; }

    public static TokenLengths Fixed(int tokens) => new(tokens, tokens);

    public static TokenLengths Uniform(int min, int max) => new(min, max);

    /// <summary>Draws a length; consumes no randomness when the length is fixed.</summary>
    public int Sample(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        return Min == Max ? Min : random.Next(Min, Max + 1);
    }
}
