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
    /// Augur's seconds for a phase as NeMo-RL's timers bound it (nemo_rl/algorithms/grpo.py @ v0.3.0, b1c86a8):
    /// "generation" holds the rollout and the environment's scoring (the math verifier runs inside the rollout);
    /// "policy_and_reference_logprobs" the policy's and the reference's passes; "policy_training" the update;
    /// "prepare_for_generation" (refit) the weights' hand-over with the trainer's moves to host around it
    /// (offload_before_refit, offload_after_refit). The moves back run under logprob_inference_prep and training_prep,
    /// which no published phase holds, so refit takes one direction of Augur's offload, half of its both-way time.
    /// </summary>
    public static double AugurSeconds(string phase, RlPhases p) => phase switch
    {
        "generation" => (p.Generation + p.Verification).Value,
        "log_probs" => (p.LogProbs + p.Critic).Value,
        "training" => p.Training.Value,
        "refit" => p.WeightSync.Value + p.Offload.Value / 2,
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
