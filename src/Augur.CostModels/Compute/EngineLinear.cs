using System.Runtime.CompilerServices;
using Augur.Domain.Hardware;

namespace Augur.CostModels.Compute;

/// <summary>
/// A serving engine's own linear layers, measured on one die (<see cref="EngineLinearKernels"/>), as the ratio of each
/// measured time to the ideal roofline of the chip it ran on: ρ = t / max(2mnk / peak, (nk·w + (mk + mn)·a) / HBM), at the
/// dense spec peak and spec bandwidth, with no efficiency and no launch time (the table holds those). A linear layer on a
/// chip of the same die takes that chip's ideal roofline × ρ(precision, m, n·k), interpolated linearly in (log m,
/// log n·k) between the table's grid points and held at its edges, so a sibling's own peaks and bandwidth still count
/// and the measured chip gets its table back at every row. Nothing is fitted: the table is the parameter. Built once per
/// set (<see cref="Of"/>); docs/FORMULAS.md §2.
/// </summary>
public sealed class EngineLinear
{
    static readonly ConditionalWeakTable<KernelMeasurementSet, EngineLinear> Built = new();

    readonly Accelerator _measuredOn;
    readonly RatioGrid?[] _grids = new RatioGrid?[PrecisionInfo.Count];

    EngineLinear(EngineLinearKernels k)
    {
        _measuredOn = k.MeasuredOn;
        foreach (var p in k.Set.Serves?.Precisions ?? [])
            _grids[(int)p] = RatioGrid.Of(k.Set.Gemms.Where(g => g.Precision == p && g.Groups == 1).ToList(), k.MeasuredOn, p);
    }

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
    /// The ideal roofline of one (m×k)·(k×n) GEMM: max(2mnk / peak, (nk·w + (mk + mn)·a) / bandwidth), weights of
    /// <paramref name="weightBytes"/> and activations of <paramref name="activationBytes"/> per element.
    /// </summary>
    public static double IdealSeconds(double peak, double bandwidth, double m, double n, double k, double weightBytes, double activationBytes) =>
        Math.Max(2 * m * n * k / peak, (n * k * weightBytes + (m * k + m * n) * activationBytes) / bandwidth);
}

/// <summary>A table's ratios at one precision, on the chip it serves on (its peak and spec bandwidth).</summary>
public sealed class MeasuredLinear(RatioGrid grid, double peak, double bandwidth)
{
    /// <summary>One linear layer: this chip's ideal roofline × the table's ratio at (m, n·k).</summary>
    public double Seconds(double m, double n, double k, double weightBytes, double activationBytes) =>
        EngineLinear.IdealSeconds(peak, bandwidth, m, n, k, weightBytes, activationBytes) * grid.Ratio(m, n * k);
}

/// <summary>Measured / ideal time over a grid of batch m and weight size n·k (shapes of equal n·k averaged).</summary>
public sealed class RatioGrid
{
    readonly double[] _logM, _logSize;
    readonly double[,] _ratio;

    RatioGrid(double[] logM, double[] logSize, double[,] ratio) { _logM = logM; _logSize = logSize; _ratio = ratio; }

    /// <summary>
    /// The grid of <paramref name="rows"/> (one precision, measured on <paramref name="a"/>, every (m, n·k) pair present:
    /// the catalog reader checks it), weights at the precision's stored size and 16-bit activations, as the engine runs it.
    /// </summary>
    public static RatioGrid Of(IReadOnlyList<GemmSample> rows, Accelerator a, Precision p)
    {
        var ms = rows.Select(g => g.M).Distinct().Order().ToArray();
        var sizes = rows.Select(g => g.N * g.K).Distinct().Order().ToArray();
        var ratio = new double[ms.Length, sizes.Length];
        double peak = a.Peak(p).PerSecond, bandwidth = a.HbmBandwidth.BytesPerSecond, w = p.StoredBytesPerWeight(), act = PrecisionRules.ActivationBytes;
        for (int i = 0; i < ms.Length; i++)
            for (int j = 0; j < sizes.Length; j++)
                ratio[i, j] = rows.Where(g => g.M == ms[i] && g.N * g.K == sizes[j])
                    .Average(g => g.Measured.Value / EngineLinear.IdealSeconds(peak, bandwidth, g.M, g.N, g.K, w, act));
        return new RatioGrid(Array.ConvertAll(ms, Math.Log), Array.ConvertAll(sizes, Math.Log), ratio);
    }

    /// <summary>Ratios along one axis only (x ascending, distinct): <see cref="Ratio"/> interpolates in log x, whatever its size argument.</summary>
    public static RatioGrid Line(double[] x, double[] ratio)
    {
        var column = new double[ratio.Length, 1];
        for (int i = 0; i < ratio.Length; i++) column[i, 0] = ratio[i];
        return new RatioGrid(Array.ConvertAll(x, Math.Log), [0.0], column);
    }

    /// <summary>ρ at (m, n·k): bilinear in (log m, log n·k), held at the grid's edges.</summary>
    public double Ratio(double m, double size)
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
        int i = Array.BinarySearch(grid, x);
        if (i >= 0) return (i, 0);
        i = ~i - 1;
        return (i, (x - grid[i]) / (grid[i + 1] - grid[i]));
    }
}
