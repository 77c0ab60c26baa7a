using Augur.CostModels.Compute;
using Augur.CostModels.Validation;
using Augur.Domain;
using Augur.Domain.Workloads;

namespace Augur.Cli.Commands;

/// <summary>Inference entry points (filled in by the inference estimator).</summary>
static class InferenceCommands
{
    public static int Estimate(Scenario s, bool json, TextWriter output) =>
        throw new InputException("inference scenarios are not supported yet");

    public static int Plan(Scenario s, bool json, int top, TextWriter output) =>
        throw new InputException("inference scenarios are not supported yet");

    public static ValidationResult Validate(ValidationCase c, HardwareCalibration cal) =>
        throw new InputException($"{c.Id}: inference validation is not supported yet");
}
