using Augur.Catalog.Loading;
using Augur.Domain;

namespace Augur.Workflows.Sweeps;

/// <summary>The points of a sweep: the product of its axes, numbered with the last axis varying fastest.</summary>
public sealed class SweepGrid
{
    /// <summary>Most points one sweep may hold (each may be a full layout search).</summary>
    public const long MaxPoints = 10_000_000;

    public IReadOnlyList<SweepAxis> Axes { get; }
    public long Count { get; }

    public SweepGrid(IReadOnlyList<SweepAxis> axes)
    {
        if (axes.Count == 0) throw new InputException("a sweep needs at least one --vary key=values");
        var dup = axes.GroupBy(a => a.Key).FirstOrDefault(g => g.Count() > 1);
        if (dup is not null) throw new InputException($"--vary {dup.Key} is given twice; list all its values in one --vary");
        Axes = axes;
        long n = 1;
        foreach (var a in axes)
        {
            n *= a.Values.Count;
            if (n > MaxPoints) throw new InputException($"the sweep has more than {MaxPoints:N0} points; use fewer values or split it with --shard");
        }
        Count = n;
    }

    /// <summary>The value of each axis at point <paramref name="index"/>.</summary>
    public IReadOnlyList<string> Settings(long index)
    {
        var values = new string[Axes.Count];
        for (int a = Axes.Count - 1; a >= 0; a--)
        {
            int k = Axes[a].Values.Count;
            values[a] = Axes[a].Values[(int)(index % k)];
            index /= k;
        }
        return values;
    }

    public IReadOnlyList<ScenarioOverride> Overrides(long index)
    {
        var settings = Settings(index);
        return Axes.Select((a, i) => new ScenarioOverride(a.Key, settings[i])).ToList();
    }
}

/// <summary>One slice of a sweep, for running it across machines: points whose index is <c>Index</c> modulo <c>Count</c>.</summary>
public readonly record struct SweepShard(int Index, int Count)
{
    public static readonly SweepShard Whole = new(0, 1);

    /// <summary>Reads <c>i/N</c> with 0 ≤ i &lt; N (Slurm's and Kubernetes' array indices start at 0).</summary>
    public static SweepShard Parse(string text)
    {
        var parts = text.Split('/');
        if (parts.Length != 2 || !int.TryParse(parts[0], out int i) || !int.TryParse(parts[1], out int n) || n < 1 || i < 0 || i >= n)
            throw new InputException($"--shard '{text}': write i/N with 0 <= i < N, e.g. 0/8 (SLURM_ARRAY_TASK_ID/8, JOB_COMPLETION_INDEX/8)");
        return new SweepShard(i, n);
    }

    public bool Holds(long index) => index % Count == Index;
}
