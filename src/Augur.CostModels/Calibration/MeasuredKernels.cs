using Augur.Domain.Hardware;

namespace Augur.CostModels.Calibration;

/// <summary>
/// How measured kernels are read, the same way by the kernel validator (<see cref="Validation.KernelValidator"/>) and
/// the kernel fit (<see cref="KernelFit"/>): which rows count and the work an attention row does.
/// </summary>
public static class MeasuredKernels
{
    /// <summary>Sustained rows from this long on: the first seconds run before the power cap bites.</summary>
    public const double SustainedWarmupSeconds = 2.0;

    /// <summary>
    /// Graph-replayed copies from this size on ran slower than the same copies launched plainly (a measurement artefact,
    /// see the sets' method): below it the graphed timing stands (no launch gaps), from it only the plain one.
    /// </summary>
    public const double LargestGraphedCopy = 512.0 * (1 << 20);

    /// <summary>Sustained rows once the power cap has settled.</summary>
    public static IEnumerable<SustainedSample> Settled(KernelMeasurementSet set) =>
        set.Sustained.Where(s => s.Elapsed.Value >= SustainedWarmupSeconds);

    /// <summary>
    /// Keys a query attends on average: all of them in decode and in an unmasked chunk; in causal prefill the keys before
    /// the query block plus half the block (k − q/2, which is k/2 when query and key lengths are equal).
    /// </summary>
    public static double AttendedKeys(AttentionSample s) =>
        s.Phase == AttentionPhase.Prefill ? s.KeyTokens - s.QueryTokens / 2 : s.KeyTokens;

    /// <summary>Forward FLOPs of an attention row: 2·b·h·q·c·(d_qk + d_v) with c the attended keys.</summary>
    public static double Flops(AttentionSample s) => 2 * s.Batch * s.Heads * s.QueryTokens * AttendedKeys(s) * (s.HeadDim + s.ValueDim);

    /// <summary>Median of the values that are numbers (power and clock are NaN where NVML could not be read); NaN when none.</summary>
    public static double Median(IEnumerable<double> values)
    {
        var v = values.Where(x => !double.IsNaN(x)).Order().ToArray();
        if (v.Length == 0) return double.NaN;
        return v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
    }
}
