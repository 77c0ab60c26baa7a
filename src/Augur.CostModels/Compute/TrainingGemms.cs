using System.Runtime.CompilerServices;
using Augur.Domain.Hardware;

namespace Augur.CostModels.Compute;

/// <summary>
/// Training's GEMMs at their own shapes, from the part's measured linear rows (<see cref="HardwareCalibration.TrainingGemms"/>):
/// the same ratio to the ideal roofline over (m, n·k) that serving reads from an engine's table (<see cref="EngineLinear"/>),
/// after taking out of each row the input quantization it also timed (<see cref="TrainingGemmScope.InputQuantize"/>:
/// its bytes at the family's streaming rate plus its launches), because training costs its quantize kernels itself
/// (<see cref="QuantizationTraffic"/>). <see cref="Roofline.Sustained"/> still holds each GEMM to the calibrated large-GEMM
/// rate, so the rows only ever slow a shape the chip runs below it (small K and N at FP8 and FP4 on Blackwell). Built once
/// per set; docs/FORMULAS.md §2.
/// </summary>
public static class TrainingGemms
{
    /// <summary>A set's grids with the streaming rate and launch time its quantize was taken out at.</summary>
    sealed record Grids(double Stream, double Launch, RatioGrid?[] ByPrecision);

    static readonly ConditionalWeakTable<KernelMeasurementSet, Grids> Built = new();

    /// <summary>The measured GEMMs at <paramref name="p"/> on <paramref name="a"/>, or null where the calibration has none at that precision.</summary>
    public static MeasuredLinear? On(HardwareCalibration c, Accelerator a, Precision p)
    {
        if (c.TrainingGemms?.Value is not { } k || !k.Set.Trains!.Covers(a.KernelId)) return null;
        double stream = k.MeasuredOn.HbmBandwidth.BytesPerSecond * c.MemoryEfficiency, launch = c.KernelOverhead.Value;
        // Same-die parts share a set and its family's streaming rate, so one build serves them all; a changed calibration rebuilds.
        if (!Built.TryGetValue(k.Set, out var grids) || grids.Stream != stream || grids.Launch != launch)
            Built.AddOrUpdate(k.Set, grids = new Grids(stream, launch, Build(k, stream, launch)));
        return grids.ByPrecision[(int)p] is { } g ? new MeasuredLinear(g, a.Peak(p).PerSecond, a.HbmBandwidth.BytesPerSecond) : null;
    }

    static RatioGrid?[] Build(TrainingGemmKernels k, double stream, double launch)
    {
        var grids = new RatioGrid?[PrecisionInfo.Count];
        var scope = k.Set.Trains!;
        foreach (var p in scope.Precisions)
        {
            var q = scope.InputQuantize.TryGetValue(p, out var given) ? given : new RowQuantize(0, 0);
            // A row can hold no less than its ideal GEMM: where the quantize estimate leaves less, the ideal stands (ρ ≥ 1).
            grids[(int)p] = EngineLinear.LinearRatios(k.Set, k.MeasuredOn, p,
                g => g.Measured.Value - (g.M * g.K * q.BytesPerElement / stream + q.Kernels * launch), floor: 1);
        }
        return grids;
    }
}
