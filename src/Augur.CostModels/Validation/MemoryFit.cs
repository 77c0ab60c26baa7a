using Augur.Units;

namespace Augur.CostModels.Validation;

/// <summary>Predicted peak memory of one GPU (the most loaded pipeline stage) beside the accelerator's HBM capacity.</summary>
public readonly record struct MemoryFit(Bytes PerGpu, Bytes Capacity)
{
    public bool Fits => PerGpu <= Capacity;
}

/// <summary>
/// How many validation runs that ran on their hardware the memory model lets fit: a published training run ran, so
/// a prediction that it does not fit is a memory-model miss (issue #10's target: at least 95%); and of those, how many
/// the planner could find by itself (<paramref name="Found"/>: fits and its layout is in the unconstrained search space).
/// </summary>
public sealed record MemoryFitSummary(int Cases, int Fit, int Found = 0)
{
    public const double Target = 0.95;

    public double Fraction => Cases == 0 ? 0 : (double)Fit / Cases;

    /// <summary>The share of the runs predicted to fit whose layout the planner's search holds.</summary>
    public double FoundFraction => Fit == 0 ? 0 : (double)Found / Fit;

    public static MemoryFitSummary Of(IEnumerable<ValidationResult> results)
    {
        var runs = results.Where(r => r.Memory is not null).ToList();
        return new(runs.Count, runs.Count(r => r.Memory!.Value.Fits), runs.Count(r => r.Memory!.Value.Fits && r.InPlanSpace == true));
    }
}
