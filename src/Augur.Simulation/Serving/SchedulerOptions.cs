using Augur.CostModels.Inference;
using Augur.Units;

namespace Augur.Simulation.Serving;

/// <summary>Per-replica scheduler settings and what to measure. The same settings apply to every replica.</summary>
public sealed record SchedulerOptions
{
    /// <summary>Most sequences a replica holds admitted at once (prefilling or decoding), like vLLM's max_num_seqs.</summary>
    public int MaxBatchSequences { get; init; } = 256;

    /// <summary>
    /// Tokens one iteration may compute, like vLLM's max_num_batched_tokens: each decoding sequence takes one and
    /// prefill chunks fill the rest. Must be at least <see cref="MaxBatchSequences"/>.
    /// </summary>
    public int ChunkTokenBudget { get; init; } = Domain.Frameworks.ServingLimits.Default.TokenBudget;

    /// <summary>
    /// Most prompt tokens one sequence may prefill in one iteration; null = the whole budget. An engine with
    /// data-parallel attention gives each attention group its own budget, so one prompt cannot take them all.
    /// </summary>
    public int? MaxChunkPerSequence { get; init; }

    /// <summary>
    /// Whether an iteration that prefills also decodes the running sequences (vLLM V1, TensorRT-LLM). False: prefill
    /// first and alone, as SGLang without --enable-mixed-chunk and vLLM V0 without chunked prefill schedule: while a
    /// prompt can be admitted or a chunk continued, the iteration prefills only and every decoding sequence waits.
    /// </summary>
    public bool MixedPrefill { get; init; } = true;

    /// <summary>Tokens per paged-KV-cache block.</summary>
    public int BlockSizeTokens { get; init; } = 16;

    public RoutingPolicy Routing { get; init; } = RoutingPolicy.RoundRobin;

    public ServiceLevelObjective Slo { get; init; } = ServiceLevelObjective.None;

    /// <summary>Seed of the speculative-decoding acceptance draws (the same seed gives the same run).</summary>
    public int Seed { get; init; } = 1;

    /// <summary>
    /// Run a replica's decode-only stretches (every sequence decoding, none to admit, no arrival due) ahead of the event
    /// queue, up to the iteration that finishes a sequence or needs blocks it lacks, rather than one queued event at a
    /// time. Each iteration is costed as step by step, or, past 16 iterations, from the line through the cost model's
    /// times where they are affine in context to 1e-12; false steps every iteration through the queue.
    /// </summary>
    public bool RunAhead { get; init; } = true;

    /// <summary>
    /// First sampling interval of the time series; null picks (last arrival)/1000, at least 1 ms. The series keeps
    /// at most <see cref="MaxSamples"/> samples: when full it drops every other sample and doubles the interval.
    /// </summary>
    public Seconds? SampleInterval { get; init; }

    /// <summary>Bound on the time-series length (at least 2).</summary>
    public int MaxSamples { get; init; } = 1000;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad setting.</summary>
    public void Validate()
    {
        if (MaxBatchSequences < 1) throw new ArgumentException($"MaxBatchSequences must be at least 1 (was {MaxBatchSequences})");
        if (ChunkTokenBudget < MaxBatchSequences)
            throw new ArgumentException($"ChunkTokenBudget ({ChunkTokenBudget}) must be at least MaxBatchSequences ({MaxBatchSequences}): every decoding sequence takes one token of the budget");
        if (MaxChunkPerSequence is < 1) throw new ArgumentException($"MaxChunkPerSequence must be at least 1 (was {MaxChunkPerSequence})");
        if (BlockSizeTokens < 1) throw new ArgumentException($"BlockSizeTokens must be at least 1 (was {BlockSizeTokens})");
        if (MaxSamples < 2) throw new ArgumentException($"MaxSamples must be at least 2 (was {MaxSamples})");
        if (SampleInterval is { } s && !(s.Value > 0 && double.IsFinite(s.Value)))
            throw new ArgumentException($"SampleInterval must be positive and finite (was {s.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)} s)");
        if (Slo is null) throw new ArgumentException("Slo must not be null; use ServiceLevelObjective.None for no limits");
    }
}
