using Augur.Units;

namespace Augur.Simulation.Serving;

/// <summary>One bar of a histogram: values in [Low, High).</summary>
public readonly record struct HistogramBin(double Low, double High, long Count);

/// <summary>
/// One latency metric over a run's requests, in bounded memory. The first <see cref="ExactValues"/> values are kept
/// as they are, so smaller runs get exact nearest-rank percentiles (<see cref="Percentile"/>). Past that the values
/// move into a log-bucketed sketch (Masson, Rim and Lee, "DDSketch", VLDB 2019, Sec. 2): bucket i counts values in
/// (γ^(i−1), γ^i] with γ = (1 + α)/(1 − α), and a percentile read from a bucket is within a relative
/// <see cref="RelativeAccuracy"/> α of the exact nearest-rank value. Values are clamped to
/// [<see cref="Smallest"/>, <see cref="Largest"/>] seconds, which bounds the buckets at <see cref="MaxBuckets"/>.
/// Count, mean, minimum and maximum stay exact.
/// </summary>
public sealed class LatencyDistribution
{
    /// <summary>Values kept exactly: 512 KiB of doubles per metric.</summary>
    public const int ExactValues = 1 << 16;

    /// <summary>α of the sketch: a percentile past <see cref="ExactValues"/> requests is within 0.5% of the exact one.</summary>
    public const double RelativeAccuracy = 0.005;

    /// <summary>Latencies below a nanosecond count as zero; none is near it (a token takes microseconds at least).</summary>
    public const double Smallest = 1e-9;

    /// <summary>Latencies past a million seconds are counted there; the simulator refuses work that long before it runs.</summary>
    public const double Largest = 1e6;

    static readonly double LogGamma = Math.Log((1 + RelativeAccuracy) / (1 - RelativeAccuracy));

    /// <summary>Buckets that cover [Smallest, Largest]: the bound on the sketch's size whatever the request count.</summary>
    public static readonly int MaxBuckets = Index(Largest) - Index(Smallest) + 1;

    List<double>? _exact = [];
    bool _sorted = true;
    readonly Dictionary<int, long> _buckets = [];
    long _zeros;
    double _sum, _min = double.PositiveInfinity, _max = double.NegativeInfinity;

    public long Count { get; private set; }

    /// <summary>Values held one by one (at most <see cref="ExactValues"/>).</summary>
    public int ExactCount => _exact?.Count ?? 0;

    /// <summary>Buckets of the sketch in use (at most <see cref="MaxBuckets"/>, 0 while every value is exact).</summary>
    public int BucketCount => _buckets.Count;

    public bool IsExact => _exact is not null;

    public void Add(double seconds)
    {
        if (!(seconds >= 0) || double.IsPositiveInfinity(seconds)) throw new ArgumentOutOfRangeException(nameof(seconds), seconds, "a latency is finite and not negative");
        Count++;
        _sum += seconds;
        _min = Math.Min(_min, seconds);
        _max = Math.Max(_max, seconds);
        if (_exact is not null)
        {
            if (_exact.Count < ExactValues)
            {
                if (_exact.Count > 0 && seconds < _exact[^1]) _sorted = false;
                _exact.Add(seconds);
                return;
            }
            foreach (double v in _exact) Bucket(v);
            _exact = null;
        }
        Bucket(seconds);
    }

    void Bucket(double v)
    {
        if (v < Smallest) { _zeros++; return; }
        int i = Index(Math.Min(v, Largest));
        _buckets[i] = _buckets.GetValueOrDefault(i) + 1;
    }

    static int Index(double v) => (int)Math.Ceiling(Math.Log(v) / LogGamma);

    /// <summary>The value a bucket stands for: the one within α of both its ends.</summary>
    static double Representative(int i) => 2 * Math.Exp(i * LogGamma) / (1 + Math.Exp(LogGamma));

    /// <summary>Count, mean, p50, p90, p99 and maximum; all zero when there are no values.</summary>
    public LatencySummary Summary()
    {
        if (Count == 0) return LatencySummary.Empty;
        // While exact, the summary is the one of the values themselves (their mean summed in sorted order).
        if (_exact is not null) return LatencySummary.FromValues([.. _exact]);
        return new LatencySummary(checked((int)Count), new Seconds(_sum / Count), new Seconds(Quantile(50)), new Seconds(Quantile(90)), new Seconds(Quantile(99)), new Seconds(_max));
    }

    /// <summary>The nearest-rank <paramref name="percent"/>-th percentile: exact, or within α once the values are sketched.</summary>
    public double Quantile(double percent)
    {
        if (Count == 0) throw new InvalidOperationException("no values");
        if (_exact is not null)
        {
            if (!_sorted) { _exact.Sort(); _sorted = true; }
            return Percentile.NearestRank(_exact, percent);
        }
        long rank = Percentile.Rank(Count, percent);
        long seen = _zeros;
        if (rank <= seen) return 0;
        foreach (var (i, n) in _buckets.OrderBy(b => b.Key))
        {
            seen += n;
            if (rank <= seen) return Math.Clamp(Representative(i), _min, _max);
        }
        return _max;
    }

    /// <summary>
    /// <paramref name="bins"/> equal bins over [minimum, maximum]. Sketched values fall in the bin of their bucket's
    /// value, so a value near a bin's edge may land in its neighbour; the counts are whole.
    /// </summary>
    public IReadOnlyList<HistogramBin> Histogram(int bins)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 1);
        if (Count == 0) return [];
        double lo = _min, width = (_max > _min ? _max - _min : 1) / bins;
        var counts = new long[bins];
        if (_exact is not null) foreach (double v in _exact) counts[BinOf(v)]++;
        else
        {
            counts[0] += _zeros;
            foreach (var (i, n) in _buckets) counts[BinOf(Math.Clamp(Representative(i), _min, _max))] += n;
        }
        return counts.Select((c, k) => new HistogramBin(lo + k * width, lo + (k + 1) * width, c)).ToList();

        int BinOf(double v) => Math.Clamp((int)((v - lo) / width), 0, bins - 1);
    }
}
