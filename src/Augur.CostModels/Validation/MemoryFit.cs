using Augur.Units;

namespace Augur.CostModels.Validation;

/// <summary>Predicted peak memory of one GPU (the most loaded pipeline stage) beside the accelerator's HBM capacity.</summary>
public readonly record struct MemoryFit(Bytes PerGpu, Bytes Capacity)
{
    public bool Fits => PerGpu <= Capacity;
}

/// <summary>
/// How many validation runs that ran on their hardware the memory model lets fit: a published training run ran, so
/// a prediction that it does not fit is a memory-model miss (issue #10's target: at least 95%).
/// </summary>
public sealed record MemoryFitSummary(int Cases, int Fit)
{
    public const double Target = 0.95;

    public double Fraction => Cases == 0 ? 0 : (double)Fit / Cases;

    public static MemoryFitSummary Of(IEnumerable<ValidationResult> results)
    {
        var fits = results.Where(r => r.Memory is not null).Select(r => r.Memory!.Value.Fits).ToList();
        return new(fits.Count, fits.Count(f => f));
    }
}
