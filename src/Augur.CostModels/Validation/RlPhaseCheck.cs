using Augur.CostModels.Rl;
using Augur.Domain.Workloads;

namespace Augur.CostModels.Validation;

/// <summary>
/// One published RL phase beside Augur's time for the same work. The error follows the step's convention (a rate's
/// error): published / predicted − 1, so +30% means Augur's phase ran 1.3× too fast.
/// </summary>
public sealed record RlPhaseCheck(string Phase, double Published, double Predicted)
{
    public double Error => Published / Predicted - 1;

    /// <summary>
    /// Augur's seconds for a phase as NeMo-RL's timers bound it (nemo_rl/algorithms/grpo.py): "generation" holds the
    /// rollout and the environment's scoring; "logprobs" the policy's and the reference's passes; "policy_training"
    /// the update; "refit" (prepare_for_generation, around refit_policy_generation) the weights' hand-over and the
    /// trainer's move to host (offload_after_refit). Augur's offload is both directions; the move back lands in
    /// whichever later timer onloads first, so a colocated refit here is an upper bound on Augur's side.
    /// </summary>
    public static double AugurSeconds(string phase, RlPhases p) => phase switch
    {
        "generation" => (p.Generation + p.Verification).Value,
        "log_probs" => (p.LogProbs + p.Critic).Value,
        "training" => p.Training.Value,
        "refit" => (p.WeightSync + p.Offload).Value,
        _ => throw new ArgumentOutOfRangeException(nameof(phase), phase, "not a published RL phase"),
    };

    /// <summary>Every phase the case publishes, in the published order, beside Augur's.</summary>
    public static IReadOnlyList<RlPhaseCheck> Of(IReadOnlyDictionary<string, double> published, RlPhases predicted) =>
        RlPublishedPhases.Names.Where(published.ContainsKey)
            .Select(n => new RlPhaseCheck(n, published[n], AugurSeconds(n, predicted))).ToList();
}

/// <summary>The error of one published RL phase over the cases of a tier that time it.</summary>
public sealed record RlPhaseSummary(string Phase, ValidationTier Tier, int Cases, double MeanAbsError, double MeanError)
{
    /// <summary>Per phase (published order), out-of-sample tier first; phases no case times are left out.</summary>
    public static IReadOnlyList<RlPhaseSummary> Of(IReadOnlyList<ValidationResult> results) =>
        (from t in new[] { ValidationTier.OutOfSample, ValidationTier.InSample }
         from phase in RlPublishedPhases.Names
         let checks = results.Where(r => r.Case.Tier == t).SelectMany(r => r.RlPhases).Where(c => c.Phase == phase).ToList()
         where checks.Count > 0
         select new RlPhaseSummary(phase, t, checks.Count, checks.Average(c => Math.Abs(c.Error)), checks.Average(c => c.Error))).ToList();
}
