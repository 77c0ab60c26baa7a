using Augur.CostModels.Training;

namespace Augur.Search.Training;

/// <summary>The ranked outcome of a training layout search.</summary>
/// <param name="Ranked">Best layouts first (at most the requested number).</param>
/// <param name="ConfigsEvaluated">Layouts fully costed (they fit in memory).</param>
/// <param name="PrunedByMemory">Valid layouts discarded because they do not fit, before costing.</param>
/// <param name="Enumerated">All valid layouts considered.</param>
/// <param name="SearchSeconds">Wall time of the search.</param>
/// <param name="SkippedRecompute">Recompute variants not checked because they cannot win (the same layout fits recomputing less, or full recomputation does not fit); not in <paramref name="Enumerated"/>.</param>
/// <param name="Why">Why the winner wins and what the runner-up loses on, in plain words.</param>
public sealed record PlanResult(
    IReadOnlyList<TrainingEstimate> Ranked,
    long ConfigsEvaluated,
    long PrunedByMemory,
    long Enumerated,
    double SearchSeconds,
    IReadOnlyList<Conclusion> Why,
    long SkippedRecompute = 0);
