using System.Runtime.CompilerServices;
using Augur.Domain.Hardware;

namespace Augur.CostModels.Compute;

/// <summary>
/// A serving engine's own kernels, measured on one die (<see cref="EngineLinearKernels"/>), as the ratio of each measured
/// time to the ideal roofline of the chip it ran on, at the dense spec peak and spec bandwidth, with no efficiency and no
/// launch time (the table holds those). Linear layers: ρ = t / max(2mnk / peak, (nk·w + (mk + mn)·a) / HBM), over batch m
/// and weight size n·k. Decode attention, where the set's <c>serves</c> says its decode rows are the engine's: ρ = t /
/// max(FLOPs / peak, bytes / HBM) (<see cref="AttentionIdealSeconds"/>), over the (sequence, KV head) pairs streamed and the
/// keys each reads, one grid per KV cache precision the rows hold (K and V read at its bytes, FLOPs at its peak). A kernel on a chip of the same die takes that chip's ideal roofline × ρ, interpolated linearly in the
/// logs of the two coordinates between the table's grid points and held at its edges, so a sibling's own peaks and
/// bandwidth still count and the measured chip gets its table back at every row. Nothing is fitted: the table is the
/// parameter. Built once per set (<see cref="Of"/>); docs/FORMULAS.md §2.
/// </summary>
public sealed class EngineLinear
{
    static readonly ConditionalWeakTable<KernelMeasurementSet, EngineLinear> Built = new();

    readonly Accelerator _measuredOn;
    readonly RatioGrid?[] _grids = new RatioGrid?[PrecisionInfo.Count];
    readonly RatioGrid?[] _decode = new RatioGrid?[PrecisionInfo.Count];
    readonly RatioGrid? _prefill;

    EngineLinear(EngineLinearKernels k)
    {
        _measuredOn = k.MeasuredOn;
        var a = k.MeasuredOn;
        double bandwidth = a.HbmBandwidth.BytesPerSecond, act = PrecisionRules.ActivationBytes;
        foreach (var p in k.Set.Serves?.Precisions ?? [])
            _grids[(int)p] = LinearRatios(k.Set, a, p, g => g.Measured.Value);
        if (k.Set.Serves?.DecodeAttention == true)
            foreach (var cache in k.Set.DecodeRows.GroupBy(s => Cache(s.KvPrecision)))
            {
                // The ideal is taken at the cache precision's peak (the rate serving looks the table up at) with K and V in
                // that format, 16-bit queries and outputs.
                double peak = a.Peak(cache.Key).PerSecond, kv = cache.Key.BytesPerElement();
                _decode[(int)cache.Key] = RatioGrid.Of(cache.Select(s =>
                {
                    double flops = 2 * s.Heads * (s.HeadDim + s.ValueDim) * s.Batch * s.KeyTokens;
                    double bytes = s.Batch * s.KvHeads * s.KeyTokens * (s.HeadDim + s.ValueDim) * kv + s.Batch * s.Heads * (2 * s.HeadDim + 2 * s.ValueDim) * act;
                    return (s.Batch * s.KvHeads, s.KeyTokens, s.Forward.Value / AttentionIdealSeconds(peak, bandwidth, flops, bytes));
                }));
            }
        if (k.Set.Serves?.PrefillAttention == true)
        {
            // Whole causal prompts of isl tokens in 16 bits, at the BF16 peak: isl(isl + 1)/2 (query, key) pairs per head.
            double peak = a.Peak(Precision.BF16).PerSecond;
            _prefill = RatioGrid.Of(k.Set.PrefillRows.Select(s =>
            {
                double pairs = s.QueryTokens * (s.QueryTokens + 1) / 2;
                double flops = 2 * s.Heads * (s.HeadDim + s.ValueDim) * s.Batch * pairs;
                double bytes = s.Batch * s.QueryTokens * (s.Heads * (2 * s.HeadDim + 2 * s.ValueDim) + s.KvHeads * (s.HeadDim + s.ValueDim)) * act;
                return (s.Batch * s.Heads, s.QueryTokens, s.Forward.Value / AttentionIdealSeconds(peak, bandwidth, flops, bytes));
            }));
        }
    }

    /// <summary>
    /// ρ over (m, n·k) of a set's plain linear rows at <paramref name="p"/>, measured on <paramref name="a"/>: the part of a
    /// row's time that is the GEMM (<paramref name="gemmSeconds"/>) over its ideal roofline, at least <paramref name="floor"/>.
    /// </summary>
    public static RatioGrid LinearRatios(KernelMeasurementSet set, Accelerator a, Precision p, Func<GemmSample, double> gemmSeconds, double floor = 0)
    {
        double peak = a.Peak(p).PerSecond, bandwidth = a.HbmBandwidth.BytesPerSecond, w = p.StoredBytesPerWeight();
        return RatioGrid.Of(set.Gemms.Where(g => g.Precision == p && g.Groups == 1).Select(g =>
            (g.M, g.N * g.K, Math.Max(floor, gemmSeconds(g) / IdealSeconds(peak, bandwidth, g.M, g.N, g.K, w, PrecisionRules.ActivationBytes)))));
    }

    /// <summary>16-bit caches share one table (BF16 and FP16 stream the same bytes through the same kernels).</summary>
    static Precision Cache(Precision kv) => kv == Precision.FP16 ? Precision.BF16 : kv;

    /// <summary>The ratios of <paramref name="k"/>'s set, built on its first use.</summary>
    public static EngineLinear Of(EngineLinearKernels k)
    {
        var built = Built.GetValue(k.Set, _ => new EngineLinear(k));
        // A derived catalog may measure the same set on a changed accelerator: its ratios are its own.
        return built._measuredOn.Equals(k.MeasuredOn) ? built : new EngineLinear(k);
    }

    /// <summary>The measured linear layers at <paramref name="p"/> on <paramref name="a"/>, or null when the table has no such rows.</summary>
    public MeasuredLinear? On(Accelerator a, Precision p) => _grids[(int)p] is { } g ? new MeasuredLinear(g, a.Peak(p).PerSecond, a.HbmBandwidth.BytesPerSecond) : null;

    /// <summary>
    /// The measured decode attention on <paramref name="a"/> for a KV cache attended at <paramref name="attention"/>, or
    /// null when the set does not stand for the engine's decode attention or has no rows with a cache of that precision.
    /// </summary>
    public MeasuredAttention? DecodeOn(Accelerator a, Precision attention) =>
        _decode[(int)Cache(attention)] is { } g ? new MeasuredAttention(g, a.Peak(Cache(attention)).PerSecond, a.HbmBandwidth.BytesPerSecond) : null;

    /// <summary>
    /// The measured prompt attention on <paramref name="a"/> (whole causal prompts, 16-bit, at the BF16 peak), or null when
    /// the set does not stand for the engine's prefill attention.
    /// </summary>
    public MeasuredAttention? PrefillOn(Accelerator a) =>
        _prefill is { } g ? new MeasuredAttention(g, a.Peak(Precision.BF16).PerSecond, a.HbmBandwidth.BytesPerSecond) : null;

    /// <summary>
    /// The ideal roofline of one (m×k)·(k×n) GEMM: max(2mnk / peak, (nk·w + (mk + mn)·a) / bandwidth), weights of
    /// <paramref name="weightBytes"/> and activations of <paramref name="activationBytes"/> per element.
    /// </summary>
    public static double IdealSeconds(double peak, double bandwidth, double m, double n, double k, double weightBytes, double activationBytes) =>
        Math.Max(2 * m * n * k / peak, (n * k * weightBytes + (m * k + m * n) * activationBytes) / bandwidth);

    /// <summary>
    /// The ideal roofline of an attention launch, decode or prompt: max(FLOPs / peak, bytes / bandwidth), with the FLOPs and
    /// bytes the fused attention model counts (<c>LayerCost</c>): 2·heads·(d_qk + d_v) per (query, key) pair; the K and V
    /// read (cached for decode, fresh for a prompt), and each query's (2·d_qk + 2·d_v) activations per head.
    /// </summary>
    public static double AttentionIdealSeconds(double peak, double bandwidth, double flops, double bytes) =>
        Math.Max(flops / peak, bytes / bandwidth);
}

/// <summary>A table's ratios at one precision, on the chip it serves on (its peak and spec bandwidth).</summary>
public sealed class MeasuredLinear(RatioGrid grid, double peak, double bandwidth)
{
    /// <summary>One linear layer: this chip's ideal roofline × the table's ratio at (m, n·k).</summary>
    public double Seconds(double m, double n, double k, double weightBytes, double activationBytes) =>
        EngineLinear.IdealSeconds(peak, bandwidth, m, n, k, weightBytes, activationBytes) * grid.Ratio(m, n * k);
}

/// <summary>
/// A table's attention ratios on the chip it serves on (its peak at the attention precision and spec bandwidth): decode rows
/// over (sequence, KV head) pairs and cached keys, prefill rows over (sequence, head) pairs and prompt length.
/// </summary>
public sealed class MeasuredAttention(RatioGrid grid, double peak, double bandwidth)
{
    /// <summary>
    /// One attention launch of <paramref name="flops"/> and <paramref name="bytes"/> at the grid point (<paramref name="pairs"/>,
    /// <paramref name="keys"/>): the ideal roofline × the table's ratio there.
    /// </summary>
    public double Seconds(double flops, double bytes, double pairs, double keys) =>
        EngineLinear.AttentionIdealSeconds(peak, bandwidth, flops, bytes) * grid.Ratio(pairs, keys);
}

/// <summary>
/// Measured / ideal time over a grid of two work coordinates: batch m and weight size n·k for linear layers, (sequence,
/// KV head) pairs and keys for decode attention. Points sharing both coordinates are averaged.
/// </summary>
public sealed class RatioGrid
{
    readonly double[] _logM, _logSize;
    readonly double[,] _ratio;

    RatioGrid(double[] logM, double[] logSize, double[,] ratio) { _logM = logM; _logSize = logSize; _ratio = ratio; }

    /// <summary>
    /// The grid of <paramref name="points"/> (m, size, measured / ideal). A cell with no point takes its size column's
    /// value at the nearest measured m, below first: a table that stops measuring large m at large sizes (memory) is held
    /// at its edge there, as outside the grid. The catalog reader checks linear tables cover every (m, n·k) pair.
    /// </summary>
    public static RatioGrid Of(IEnumerable<(double M, double Size, double Ratio)> points)
    {
        var list = points.ToList();
        var ms = list.Select(x => x.M).Distinct().Order().ToArray();
        var sizes = list.Select(x => x.Size).Distinct().Order().ToArray();
        var ratio = new double[ms.Length, sizes.Length];
        var measured = new bool[ms.Length, sizes.Length];
        foreach (var cell in list.GroupBy(x => (Array.BinarySearch(ms, x.M), Array.BinarySearch(sizes, x.Size))))
        {
            ratio[cell.Key.Item1, cell.Key.Item2] = cell.Average(x => x.Ratio);
            measured[cell.Key.Item1, cell.Key.Item2] = true;
        }
        for (int j = 0; j < sizes.Length; j++)
            for (int i = 0; i < ms.Length; i++)
                if (!measured[i, j]) ratio[i, j] = ratio[Nearest(measured, i, j), j];
        return new RatioGrid(Array.ConvertAll(ms, Math.Log), Array.ConvertAll(sizes, Math.Log), ratio);
    }

    /// <summary>Ratios along one axis only (x ascending, distinct): <see cref="Ratio"/> interpolates in log x, whatever its size argument.</summary>
    public static RatioGrid Line(double[] x, double[] ratio) => Of(x.Select((m, i) => (m, 1.0, ratio[i])));

    /// <summary>The nearest measured row of column <paramref name="j"/> to row <paramref name="i"/>, searching below first.</summary>
    static int Nearest(bool[,] measured, int i, int j)
    {
        for (int d = 1; ; d++)
        {
            if (i - d >= 0 && measured[i - d, j]) return i - d;
            if (i + d < measured.GetLength(0) && measured[i + d, j]) return i + d;
        }
    }

    /// <summary>
    /// Each thread's last few lookups, direct-mapped on (grid, m, size): a layout search asks for the same few GEMM shapes
    /// layout after layout (a training estimate looks up four), and two logarithms per lookup would cost it a fifth.
    /// </summary>
    sealed class Memo
    {
        public const int Size = 16;
        public readonly RatioGrid?[] Grid = new RatioGrid?[Size];
        public readonly double[] M = new double[Size], Work = new double[Size], Value = new double[Size];
    }

    [ThreadStatic] static Memo? _memo;

    /// <summary>ρ at (m, size): bilinear in (log m, log size), held at the grid's edges.</summary>
    public double Ratio(double m, double size)
    {
        var memo = _memo ??= new Memo();
        int slot = (int)((ulong)(BitConverter.DoubleToInt64Bits(m) * 31 ^ BitConverter.DoubleToInt64Bits(size)) * 0x9E3779B97F4A7C15UL >> 60);
        if (ReferenceEquals(memo.Grid[slot], this) && memo.M[slot] == m && memo.Work[slot] == size) return memo.Value[slot];
        double ratio = Interpolate(m, size);
        memo.Grid[slot] = this;
        memo.M[slot] = m;
        memo.Work[slot] = size;
        memo.Value[slot] = ratio;
        return ratio;
    }

    double Interpolate(double m, double size)
    {
        var (i, u) = Locate(_logM, Math.Log(Math.Max(m, 1e-9)));
        var (j, v) = Locate(_logSize, Math.Log(Math.Max(size, 1e-9)));
        double low = _ratio[i, j] + (_ratio[i + 1 < _logM.Length ? i + 1 : i, j] - _ratio[i, j]) * u;
        if (_logSize.Length == 1) return low;
        int j1 = j + 1 < _logSize.Length ? j + 1 : j;
        double high = _ratio[i, j1] + (_ratio[i + 1 < _logM.Length ? i + 1 : i, j1] - _ratio[i, j1]) * u;
        return low + (high - low) * v;
    }

    /// <summary>The grid cell below <paramref name="x"/> and the fraction of the way to the next (0 outside the grid).</summary>
    static (int Index, double Fraction) Locate(double[] grid, double x)
    {
        if (x <= grid[0]) return (0, 0);
        int last = grid.Length - 1;
        if (x >= grid[last]) return (last, 0);
        // A grid has a dozen points at most: a forward scan beats a binary search (training looks one up per GEMM).
        int i = 0;
        while (grid[i + 1] <= x) i++;
        return (i, (x - grid[i]) / (grid[i + 1] - grid[i]));
    }
}
