namespace Augur.Domain.Hardware;

/// <summary>
/// A scale-up tier wired as a torus (TPU ICI): <see cref="Dims"/> axes, two links per axis on every chip, and a
/// wraparound link on an axis whose length is a multiple of <see cref="WrapEvery"/> (jax-ml/scaling-book tpus.md: v4p,
/// v5p and TPU7x slices wrap on axes that are multiples of a 4x4x4 cube; v5e and v6e only on an axis of 16).
/// </summary>
public sealed record TorusSpec(int Dims, int WrapEvery)
{
    /// <summary>
    /// The slice shape of <paramref name="chips"/> chips, fastest axis first: each factor of two doubles the shortest
    /// axis, then each odd prime factor (smallest first) multiplies the shortest. This gives Google's documented
    /// shapes: 512 v5p chips 8x8x8, 256 TPU7x chips 4x8x8, 6,144 v5p chips 16x16x24, 256 v6e chips 16x16.
    /// Unused axes have length 1.
    /// </summary>
    public (int A, int B, int C) Shape(int chips)
    {
        Span<int> d = [1, 1, 1];
        int n = Math.Max(1, chips);
        while (n % 2 == 0) { Shortest(d) *= 2; n /= 2; }
        for (int p = 3; n > 1; p += 2)
            while (n % p == 0) { Shortest(d) *= p; n /= p; }
        d.Sort();
        return (d[0], d[1], d[2]);

        ref int Shortest(Span<int> s)
        {
            int best = 0;
            for (int i = 1; i < Dims; i++) if (s[i] < s[best]) best = i;
            return ref s[best];
        }
    }
}
