using Augur.Workflows;
using Augur.Workflows.Rl;

namespace Augur.Plots;

/// <summary>
/// The pictures of each estimate, plan and simulation outcome, whichever front end asks (--plot, the web app): each
/// named as the file beside the --plot path it goes to ("" for the path itself).
/// </summary>
public static class OutcomeCharts
{
    /// <summary>Layouts a training plan's chart shows; a plan that is drawn searches for at least this many.</summary>
    public const int PlanLayouts = 200;

    public static IReadOnlyList<(string Name, Chart Chart)> Of(EstimateOutcome o) => o switch
    {
        TrainingEstimateOutcome t => TrainingCharts.Pictures(t),
        InferenceEstimateOutcome i => [("", InferenceCharts.Estimate(i))],
        RlEstimateOutcome => [], // no RL chart yet: the tables and JSON carry every number
        _ => throw new ArgumentOutOfRangeException(nameof(o)),
    };

    public static IReadOnlyList<(string Name, Chart Chart)> Of(PlanOutcome o) => o switch
    {
        TrainingPlanOutcome t => [("", TrainingCharts.Plan(t))],
        InferencePlanOutcome i => [("", InferenceCharts.Plan(i))],
        RlPlanOutcome => [],
        _ => throw new ArgumentOutOfRangeException(nameof(o)),
    };

    public static IReadOnlyList<(string Name, Chart Chart)> Of(SimulationOutcome o) => o switch
    {
        ServingSimulationOutcome v => SimulationChart.Pictures(v),
        RlSimulationOutcome => [],
        _ => throw new ArgumentOutOfRangeException(nameof(o)),
    };
}
