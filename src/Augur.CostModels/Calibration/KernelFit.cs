using Augur.CostModels.Compute;
using Augur.Domain.Hardware;

namespace Augur.CostModels.Calibration;

/// <summary>One fitted calibration parameter: its value, how many measurements it rests on, and how well it fits them.</summary>
/// <param name="MeanAbsError">Mean |predicted/measured − 1| of the rows it was fitted to, under the fitted value.</param>
/// <param name="Basis">What it was fitted to, in words.</param>
public sealed record FittedParameter(string Key, double Value, int Rows, double MeanAbsError, string Basis);

/// <summary>The fitted parameters, and why any other could not be fitted from the data given.</summary>
public sealed record KernelFitResult(IReadOnlyList<FittedParameter> Parameters, IReadOnlyList<string> NotFitted);

/// <summary>
/// Fits the kernel-level parameters of a hardware family (<see cref="HardwareCalibration"/>) to kernel timings measured
/// on one or more of its chips (<see cref="KernelMeasurementSet"/>), each set with its own spec-sheet peaks:
/// <list type="bullet">
/// <item>GEMM efficiency per precision: the median sustained rate once the power cap has settled, over the dense peak;</item>
/// <item>HBM efficiency and per-kernel time: a straight line through graph-replayed copies below 512 MiB,
/// time = t₀ + bytes moved / (efficiency × peak bandwidth);</item>
/// <item>attention efficiency and forward per-row work, for cuDNN and apart for FlashAttention-2: weighted least squares
/// on that backend's prefill forward rows with equal
/// query and value widths (MLA-shaped rows stay out of the fit, as an out-of-sample check) of
/// time = FLOPs·(1 + c₀/c)/(efficiency × peak) + t₀ (c the average attended keys), linear in 1/efficiency and
/// c₀/efficiency;</item>
/// <item>backward per-row work: the same on backward time = 2.5·FLOPs·(1 + c_b/c)/(efficiency × peak).</item>
/// </list>
/// Every fit minimises relative error, so short and long kernels count alike.
/// </summary>
public static class KernelFit
{

    /// <summary>Fewest rows a two-parameter fit needs to have any slack.</summary>
    const int MinRows = 3;

    /// <summary>A measured attention backend and the calibration keys its fit fills: efficiency, forward and backward per-row work.</summary>
    sealed record AttentionBackend(string Backend, string Label, string Efficiency, string RowOverhead, string BackwardRowOverhead);

    /// <summary>
    /// cuDNN fused attention fills the family's fused-attention keys; PyTorch SDPA's FlashAttention-2 backend its own
    /// (<see cref="HardwareCalibration.Flash2"/>).
    /// </summary>
    static readonly AttentionBackend[] AttentionBackends =
    [
        new("CUDNN_ATTENTION", "cuDNN", "attention_efficiency.bf16", "attention_row_overhead_tokens", "attention_backward_row_overhead_tokens"),
        new("FLASH_ATTENTION", "FlashAttention-2", "attention_flash2.bf16", "attention_flash2.row_overhead_tokens", "attention_flash2.backward_row_overhead_tokens"),
    ];

    public static KernelFitResult Fit(IReadOnlyList<(KernelMeasurementSet Set, Accelerator Accelerator)> sets)
    {
        var fitted = new List<FittedParameter>();
        var notFitted = new List<string>();
        foreach (var p in new[] { Precision.BF16, Precision.FP8 })
            if (SustainedGemm(sets, p) is { } g) fitted.Add(g);
            else notFitted.Add($"gemm_efficiency.{p.Label()}: no sustained rows after the first 2 s");
        var (memory, overhead, why) = Copies(sets);
        if (memory is not null && overhead is not null) { fitted.Add(memory); fitted.Add(overhead); }
        else notFitted.Add($"memory_efficiency, kernel_overhead_us: {why}");
        double t0 = (overhead?.Value ?? 0) * 1e-6; // the fitted per-kernel time, reported in µs
        foreach (var kernel in AttentionBackends)
        {
            var (attention, attentionWhy) = Attention(sets, t0, kernel);
            fitted.AddRange(attention);
            if (attentionWhy is not null) notFitted.Add(attentionWhy);
        }
        return new KernelFitResult(fitted, notFitted);
    }

    static FittedParameter? SustainedGemm(IReadOnlyList<(KernelMeasurementSet Set, Accelerator Accelerator)> sets, Precision p)
    {
        var fractions = sets.SelectMany(s => MeasuredKernels.Settled(s.Set)
                .Where(x => x.Precision == p)
                .Select(x => x.Rate.PerSecond / s.Accelerator.Peak(p).PerSecond))
            .ToList();
        if (fractions.Count == 0) return null;
        double median = MeasuredKernels.Median(fractions);
        return new FittedParameter($"gemm_efficiency.{p.Label()}", median, fractions.Count, fractions.Average(f => Math.Abs(median / f - 1)),
            "sustained 8192³ GEMMs after 2 s / dense peak (median)");
    }

    static (FittedParameter? Memory, FittedParameter? Overhead, string Why) Copies(IReadOnlyList<(KernelMeasurementSet Set, Accelerator Accelerator)> sets)
    {
        // Regress t on x = bytes moved / peak bandwidth (seconds at 100%): t = t₀ + x / efficiency, weighted by 1/t².
        var rows = sets.SelectMany(s => s.Set.Copies.Where(c => c.Graphed && c.Size.Value < MeasuredKernels.LargestGraphedCopy)
            .Select(c => (X: 2 * c.Size.Value / s.Accelerator.HbmBandwidth.BytesPerSecond, T: c.Measured.Value))).ToList();
        if (rows.Count < MinRows || rows.Select(r => r.X).Distinct().Count() < 2)
            return (null, null, $"needs graph-replayed copies of at least {MinRows} sizes below 512 MiB, has {rows.Select(r => r.X).Distinct().Count()}");
        var (intercept, slope) = WeightedLine(rows.Select(r => (r.X, r.T)).ToList());
        if (!(slope > 0) || !(intercept >= 0) || !double.IsFinite(slope))
            return (null, null, $"the copies do not fit time = t₀ + bytes / bandwidth with positive terms (slope {slope:g3}, intercept {intercept:g3} s)");
        double efficiency = 1 / slope;
        double err = rows.Average(r => Math.Abs((intercept + r.X * slope) / r.T - 1));
        return (new FittedParameter("memory_efficiency", efficiency, rows.Count, err, "copies below 512 MiB: slope of time vs bytes"),
                new FittedParameter("kernel_overhead_us", intercept * 1e6, rows.Count, err, "copies below 512 MiB: intercept"), "");
    }

    static (List<FittedParameter> Fitted, string? Why) Attention(IReadOnlyList<(KernelMeasurementSet Set, Accelerator Accelerator)> sets, double t0, AttentionBackend kernel)
    {
        string keys = $"{kernel.Efficiency}, {kernel.RowOverhead}, {kernel.BackwardRowOverhead}";
        var fitted = new List<FittedParameter>();
        // Forward: t − t₀ = a·x₁ + b·x₂ with x₁ = F/peak, x₂ = F/(peak·c); efficiency = 1/a, c₀ = b/a.
        var rows = sets.SelectMany(s => s.Set.Attention.Where(a => a.Phase == AttentionPhase.Prefill && a.Backend == kernel.Backend && a.HeadDim == a.ValueDim).Select(a =>
        {
            double context = MeasuredKernels.AttendedKeys(a);
            double x1 = MeasuredKernels.Flops(a) / s.Accelerator.Peak(Precision.BF16).PerSecond;
            return (X1: x1, X2: x1 / context, T: a.Forward.Value - t0, Backward: a.ForwardBackward is { } fb ? fb.Value - a.Forward.Value : double.NaN, Context: context);
        })).Where(r => r.T > 0).ToList();
        int contexts = rows.Select(r => r.Context).Distinct().Count();
        if (rows.Count < MinRows || contexts < 2)
            return (fitted, $"{keys}: needs {kernel.Label} prefill rows at {MinRows} or more shapes over 2 or more lengths, has {rows.Count} over {contexts}");
        // Weighted normal equations (weights 1/t²) for two regressors without intercept.
        double s11 = 0, s12 = 0, s22 = 0, s1t = 0, s2t = 0;
        foreach (var r in rows)
        {
            double w = 1 / (r.T * r.T);
            s11 += w * r.X1 * r.X1; s12 += w * r.X1 * r.X2; s22 += w * r.X2 * r.X2; s1t += w * r.X1 * r.T; s2t += w * r.X2 * r.T;
        }
        double det = s11 * s22 - s12 * s12;
        if (!(Math.Abs(det) > 1e-12 * s11 * s22)) return (fitted, $"{keys}: the attention rows cannot separate efficiency from per-row work");
        double a = (s1t * s22 - s2t * s12) / det, b = (s2t * s11 - s1t * s12) / det;
        if (!(a > 0) || b < 0) return (fitted, $"{keys}: the attention rows give an unphysical fit (1/efficiency {a:g3}, per-row term {b:g3})");
        double efficiency = 1 / a, c0 = b / a;
        double fwdErr = rows.Average(r => Math.Abs((a * r.X1 + b * r.X2) / r.T - 1));
        fitted.Add(new FittedParameter(kernel.Efficiency, efficiency, rows.Count, fwdErr, $"{kernel.Label} causal prefill, forward (MHA shapes)"));
        fitted.Add(new FittedParameter(kernel.RowOverhead, c0, rows.Count, fwdErr, $"{kernel.Label} causal prefill, forward (MHA shapes)"));

        // Backward: minimise Σ (k·(1 + c_b/c) − 1)² with k = 2.5·a·x₁ / t_b: c_b = Σ (k/c)(1 − k) / Σ (k/c)².
        var back = rows.Where(r => !double.IsNaN(r.Backward) && r.Backward > 0).ToList();
        if (back.Count < MinRows) return (fitted, $"{kernel.BackwardRowOverhead}: needs backward times at {MinRows} or more shapes, has {back.Count}");
        double num = 0, den = 0;
        foreach (var r in back)
        {
            double k = Roofline.FlashBackwardFlops * a * r.X1 / r.Backward;
            num += k / r.Context * (1 - k);
            den += k / r.Context * (k / r.Context);
        }
        double cb = num / den;
        double bwdErr = back.Average(r => Math.Abs(Roofline.FlashBackwardFlops * a * r.X1 * (1 + cb / r.Context) / r.Backward - 1));
        fitted.Add(new FittedParameter(kernel.BackwardRowOverhead, cb, back.Count, bwdErr, $"{kernel.Label} causal prefill, backward (MHA shapes)"));
        return (fitted, null);
    }

    /// <summary>The family file's current value of a fitted key, for comparison.</summary>
    public static double? Current(HardwareCalibration c, string key) => key switch
    {
        "gemm_efficiency.bf16" => c.Gemm(Precision.BF16),
        "gemm_efficiency.fp8" => c.Gemm(Precision.FP8),
        "memory_efficiency" => c.MemoryEfficiency,
        "kernel_overhead_us" => c.KernelOverhead.Value * 1e6,
        "attention_efficiency.bf16" => c.Attention(Precision.BF16),
        "attention_row_overhead_tokens" => c.AttentionRowOverheadTokens,
        "attention_backward_row_overhead_tokens" => c.AttentionBackwardRowOverheadTokens,
        "attention_flash2.bf16" => c.Flash2?.Efficiency,
        "attention_flash2.row_overhead_tokens" => c.Flash2?.RowOverheadTokens,
        "attention_flash2.backward_row_overhead_tokens" => c.Flash2?.BackwardRowOverheadTokens,
        _ => null,
    };

    /// <summary>Least-squares line t = intercept + slope·x minimising relative error (weights 1/t²).</summary>
    static (double Intercept, double Slope) WeightedLine(IReadOnlyList<(double X, double T)> rows)
    {
        double sw = 0, sx = 0, st = 0, sxx = 0, sxt = 0;
        foreach (var (x, t) in rows)
        {
            double w = 1 / (t * t);
            sw += w; sx += w * x; st += w * t; sxx += w * x * x; sxt += w * x * t;
        }
        double slope = (sw * sxt - sx * st) / (sw * sxx - sx * sx);
        return ((st - slope * sx) / sw, slope);
    }
}
