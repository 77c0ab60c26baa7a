using System.Runtime.CompilerServices;
using Augur.Domain.Hardware;

namespace Augur.CostModels.Compute;

/// <summary>
/// A serving engine's own fused MoE layer, measured on one die (moe.csv of a set whose <c>serves.moe</c> names the kernel
/// path and precisions the engine runs), as the ratio of each measured time to the layer's ideal roofline on the chip it
/// ran on (<see cref="IdealSeconds"/>). The ratio carries what the fused layer pays beyond the roofline of its expert
/// GEMMs: routing, permutation, input quantization, grouped GEMMs over few rows per expert and the finalize. A served MoE
/// layer takes its own chip's ideal × the ratio of the measured shape nearest to it (in log per-expert weights, log
/// experts per rank and log top-k), interpolated in log expert visits between the shape's token counts and held at its
/// edges. Nothing is fitted: the table is the parameter. Built once per set (<see cref="Of"/>); docs/FORMULAS.md §2.
/// </summary>
public sealed class EngineMoe
{
    static readonly ConditionalWeakTable<KernelMeasurementSet, EngineMoe> Built = new();

    readonly Accelerator _measuredOn;
    readonly bool _includesRouting;
    readonly MoeCurve[]?[] _curves = new MoeCurve[]?[PrecisionInfo.Count];

    EngineMoe(EngineLinearKernels k)
    {
        _measuredOn = k.MeasuredOn;
        if (k.Set.Serves?.Moe is not { } scope) return;
        _includesRouting = scope.IncludesRouting;
        double bandwidth = k.MeasuredOn.HbmBandwidth.BytesPerSecond, act = PrecisionRules.ActivationBytes;
        foreach (var p in scope.Precisions)
        {
            double peak = k.MeasuredOn.Peak(p).PerSecond, w = p.StoredBytesPerWeight();
            _curves[(int)p] = k.Set.MoeLayers.Where(m => m.Precision == p && m.Path == scope.Path)
                .GroupBy(m => (m.Hidden, Ffn: m.ExpertFfn / m.Tp, Local: m.Experts / m.Ep, m.TopK))
                .Select(g =>
                {
                    var rows = g.OrderBy(m => m.Tokens).ToList();
                    var visits = rows.Select(Visits).ToArray();
                    var ratios = rows.Select(m => m.Measured.Value
                        / IdealSeconds(peak, bandwidth, Visits(m), Touched(m), m.Hidden, (double)m.ExpertFfn / m.Tp, GatedMatrices, w, act)).ToArray();
                    return new MoeCurve((double)g.Key.Hidden * g.Key.Ffn, g.Key.Local, g.Key.TopK, RatioGrid.Line(visits, ratios));
                }).ToArray();
        }
    }

    /// <summary>The table's experts are gated (SwiGLU): gate, up and down matrices.</summary>
    const int GatedMatrices = 3;

    /// <summary>Expert visits on the timed rank: the table's logits are balanced, every rank takes tokens × top-k / ep.</summary>
    static double Visits(MoeLayerSample m) => m.Tokens * m.TopK / m.Ep;

    /// <summary>Experts the timed rank reads: balanced routing spreads the visits over min(E, T·k) experts, / ep per rank.</summary>
    static double Touched(MoeLayerSample m) => Math.Min(m.Experts, m.Tokens * m.TopK) / (double)m.Ep;

    /// <summary>The ratios of <paramref name="k"/>'s set, built on its first use.</summary>
    public static EngineMoe Of(EngineLinearKernels k)
    {
        var built = Built.GetValue(k.Set, _ => new EngineMoe(k));
        return built._measuredOn.Equals(k.MeasuredOn) ? built : new EngineMoe(k);
    }

    /// <summary>The measured MoE layers at <paramref name="p"/> on <paramref name="a"/>, or null when the table serves no such rows.</summary>
    public MeasuredMoe? On(Accelerator a, Precision p) =>
        _curves[(int)p] is { Length: > 0 } c ? new MeasuredMoe(c, a.Peak(p).PerSecond, a.HbmBandwidth.BytesPerSecond, _includesRouting) : null;

    /// <summary>
    /// The ideal roofline of one rank's routed experts: max(2·v·g·d·f / peak, (x·g·d·f·w + 2·v·d·a) / bandwidth) for v
    /// expert visits over x touched experts, g matrices of d × f each, weights of w and activations of a bytes per element
    /// (each visit reads its token's row and writes its output row).
    /// </summary>
    public static double IdealSeconds(double peak, double bandwidth, double visits, double touched, double hidden, double ffn, int matrices,
        double weightBytes, double activationBytes) =>
        Math.Max(2 * visits * matrices * hidden * ffn / peak,
            (touched * matrices * hidden * ffn * weightBytes + 2 * visits * hidden * activationBytes) / bandwidth);
}

/// <summary>One measured shape: per-expert weights d·f on the rank, experts per rank, top-k, and its ratio over visits.</summary>
sealed record MoeCurve(double Size, double Experts, double TopK, RatioGrid Ratio)
{
    public bool Is(double size, double experts, double topK) => Size == size && Experts == experts && TopK == topK;

    /// <summary>Squared distance in log space to a served shape.</summary>
    public double Distance(double size, double experts, double topK)
    {
        double a = Math.Log(size / Size), b = Math.Log(experts / Experts), c = Math.Log(topK / TopK);
        return a * a + b * b + c * c;
    }
}

/// <summary>A table's fused MoE ratios at one precision, on the chip it serves on (its peak and spec bandwidth).</summary>
public sealed class MeasuredMoe
{
    readonly MoeCurve[] _curves;
    readonly double _peak, _bandwidth;

    internal MeasuredMoe(MoeCurve[] curves, double peak, double bandwidth, bool includesRouting)
    {
        _curves = curves; _peak = peak; _bandwidth = bandwidth; IncludesRouting = includesRouting;
    }

    /// <summary>Whether the measured layer holds the router's passes over the scores (softmax, top-k); where not, they are costed beside it.</summary>
    public bool IncludesRouting { get; }

    /// <summary>
    /// The same table without one measured shape (d·f on the rank, experts per rank, top-k), or null when nothing else is
    /// left: the kernel check times each shape from the others, as serving times a model the table never measured.
    /// </summary>
    public MeasuredMoe? Without(double hidden, double ffn, double expertsPerRank, int topK) =>
        _curves.Where(c => !c.Is(hidden * ffn, expertsPerRank, topK)).ToArray() is { Length: > 0 } rest ? new MeasuredMoe(rest, _peak, _bandwidth, IncludesRouting) : null;

    /// <summary>
    /// One rank's fused MoE layer: <paramref name="visits"/> expert visits over <paramref name="touched"/> experts of
    /// <paramref name="expertsPerRank"/>, each expert <paramref name="matrices"/> matrices of <paramref name="hidden"/> ×
    /// <paramref name="ffn"/> (its share on this rank), routed top-<paramref name="topK"/>: this chip's ideal × the ratio of the nearest measured shape.
    /// </summary>
    public double Seconds(double visits, double touched, double hidden, double ffn, double expertsPerRank, int topK, int matrices,
        double weightBytes, double activationBytes)
    {
        double size = hidden * ffn;
        var nearest = _curves[0];
        double best = nearest.Distance(size, expertsPerRank, topK);
        for (int i = 1; i < _curves.Length; i++)
        {
            double d = _curves[i].Distance(size, expertsPerRank, topK);
            if (d < best) { best = d; nearest = _curves[i]; }
        }
        return EngineMoe.IdealSeconds(_peak, _bandwidth, visits, touched, hidden, ffn, matrices, weightBytes, activationBytes)
               * nearest.Ratio.Ratio(visits, 1);
    }
}
