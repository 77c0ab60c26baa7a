using Augur.CostModels.Validation;
using Augur.Domain.Hardware;
using Augur.Domain.Workloads;

namespace Augur.CostModels.Uncertainty;

/// <summary>
/// The kind of prediction an error band is looked up for: hardware family, workload, dense or mixture-of-experts,
/// precision, whether the family has a calibration of its own (an uncalibrated one runs on the generic values), and
/// whether the hardware is hypothetical (written in a scenario: its family's evidence is for real chips).
/// </summary>
public readonly record struct BandKey(string Family, WorkloadKind Workload, bool Moe, string Precision, bool Calibrated = true, bool Hypothetical = false)
{
    public static BandKey Of(Scenario s, bool calibrated) =>
        new(s.Cluster.Accelerator.Family, s.Workload, s.Model.IsMoe, s.Precision.Label(), calibrated,
            s.Cluster.Accelerator.Status == Accelerator.Hypothetical);

    public string KindLabel => Moe ? "moe" : "dense";
    public string WorkloadLabel => Workload.ToString().ToLowerInvariant();
}

/// <summary>
/// One out-of-sample case's signed error ((predicted − measured) / measured), the kind of prediction it was and the
/// publication it comes from (<see cref="ValidationCase.Publication"/>). A class,
/// not a struct: collections and LINQ over it then share the framework's precompiled code instead of compiling their own
/// at every start.
/// </summary>
public sealed record BandEvidence(string Case, BandKey Key, double Error, string Publication)
{
    public static BandEvidence Of(ValidationResult r) =>
        new(r.Case.Id, BandKey.Of(r.Case.Scenario, calibrated: true), r.Error, r.Case.Publication);
}
