using Augur.Units;

namespace Augur.Simulation.Serving;

/// <summary>
/// The work one engine iteration (one forward pass of a replica) does under continuous batching:
/// some prompt tokens being prefilled (possibly a chunk of a longer prompt) and some sequences each
/// decoding one token.
/// </summary>
/// <param name="PrefillTokens">New prompt tokens computed in this iteration (sum over prefilling requests).</param>
/// <param name="PrefillContextTokens">
/// Sum over those prompt tokens of the tokens each attends to (for a fresh 1,000-token prompt done in one
/// chunk that is ≈ 1000·1001/2); lets the cost model charge causal attention exactly.
/// </param>
/// <param name="DecodeSequences">Sequences producing one output token in this iteration.</param>
/// <param name="DecodeContextTokens">Sum over those sequences of their current context length (KV cache read).</param>
/// <param name="PrefillSequences">Prompts with a chunk in this iteration (a chunk is never split across attention groups).</param>
public readonly record struct IterationShape(int PrefillTokens, double PrefillContextTokens, int DecodeSequences, double DecodeContextTokens, int PrefillSequences = 0);

/// <summary>
/// What the serving simulator asks of the cost model (implemented in Augur.CostModels by the
/// steady-state inference estimator, so the simulator and the estimator share one operator model).
/// </summary>
public interface IServingCostModel
{
    /// <summary>Wall time of one iteration of one replica.</summary>
    Seconds IterationTime(in IterationShape shape);

    /// <summary>KV-cache capacity of one replica, in tokens (after weights, activations and the engine's memory fraction).</summary>
    long KvCapacityTokens { get; }

    /// <summary>
    /// The most KV one sequence may hold: a replica whose KV cache is split over data-parallel attention groups
    /// keeps each sequence in one group. Defaults to the whole cache.
    /// </summary>
    long MaxSequenceKvTokens => KvCapacityTokens;

    /// <summary>
    /// Time to move a prompt's KV cache from a prefill replica to a decode replica (disaggregated serving);
    /// zero when prefill and decode share a replica.
    /// </summary>
    Seconds KvTransferTime(int promptTokens);

    /// <summary>
    /// Fraction of every prompt found in the prefix cache: those tokens are not prefilled (their KV is already
    /// there and the rest of the prompt attends to it). Applies to a request's first prefill only; a preempted
    /// request recomputes everything.
    /// </summary>
    double PrefixHitRate => 0;

    /// <summary>Speculative decoding: draft tokens each decode step verifies (0 = off). The iteration time already includes verifying them.</summary>
    int DraftTokens => 0;

    /// <summary>Speculative decoding: probability that each draft token is accepted, given the ones before it were.</summary>
    double Acceptance => 0;
}
