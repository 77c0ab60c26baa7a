using Augur.CostModels.Memory;
using Augur.Units;

namespace Augur.CostModels.Inference;

/// <summary>
/// Steady-state serving estimate of one layout. Rates in tokens per second.
/// </summary>
public sealed record InferenceEstimate
{
    /// <summary>The layout costed.</summary>
    public required InferenceLayout Layout { get; init; }
    /// <summary>Concurrent sequences per replica (decode replica when disaggregated).</summary>
    public required int Concurrency { get; init; }
    /// <summary>Most sequences one replica's KV cache holds (each reserves input+output tokens).</summary>
    public required int MaxConcurrency { get; init; }
    /// <summary> Time to first token with no queueing: prefill of one prompt (its uncached tokens) alone on one attention group, plus the KV transfer when disaggregated, plus one decode step at <see cref="Concurrency"/>. </summary>
    public required Seconds Ttft { get; init; }
    /// <summary> Mean time per output token AFTER the first. Disaggregated: decode step time at <see cref="Concurrency"/> divided by the tokens one step yields (speculative decoding). Aggregated: also the prefill chunks of the other B − 1 sequences' replacements that run between this sequence's decode steps: ((o/y)·step + (B − 1)·prefill_per_prompt) / o. </summary>
    public required Seconds Tpot { get; init; }
    /// <summary>
    /// The <see cref="Domain.Workloads.InferenceJob.SloPercentile"/>-th percentile over requests of the time per output
    /// token under Poisson arrivals (<see cref="TpotSpread"/>), when the scenario bounds a percentile; null otherwise.
    /// </summary>
    public Seconds? TpotAtPercentile { get; init; }
    /// <summary>
    /// Aggregated, the <see cref="Domain.Workloads.InferenceJob.SloPercentile"/>-th percentile over requests of the time to
    /// first token under Poisson arrivals (<see cref="TtftSpread"/>), when the scenario bounds a percentile; null otherwise.
    /// </summary>
    public Seconds? TtftAtPercentile { get; init; }
    /// <summary>The TTFT the scenario's ttft_ms bounds: <see cref="TtftAtPercentile"/> when set, else <see cref="Ttft"/>.</summary>
    public Seconds BoundedTtft => TtftAtPercentile ?? Ttft;
    /// <summary>The TPOT the scenario's tpot_ms bounds: <see cref="TpotAtPercentile"/> when set, else the mean <see cref="Tpot"/>.</summary>
    public Seconds BoundedTpot => TpotAtPercentile ?? Tpot;
    /// <summary>The decode iteration at <see cref="Concurrency"/> and the average context.</summary>
    public required IterationCost DecodeStep { get; init; }
    /// <summary>One steady-state prefill iteration (a full chunk of prompts per attention group).</summary>
    public required IterationCost PrefillIteration { get; init; }
    /// <summary>Replica time per prompt in steady-state batched prefill.</summary>
    public required Seconds PrefillPerPrompt { get; init; }
    /// <summary>Aggregated: one replica. Disaggregated: the whole deployment divided by its decode replicas.</summary>
    public required double OutputTokensPerSecondPerReplica { get; init; }
    /// <summary>Whole deployment (prefill GPUs included) per GPU.</summary>
    public required double OutputTokensPerSecondPerGpu { get; init; }
    /// <summary>Whole deployment.</summary>
    public required double OutputTokensPerSecondTotal { get; init; }
    /// <summary>Output rate per GPU while decoding (the decode pool's rate when disaggregated).</summary>
    public required double DecodeOutputTokensPerSecondPerGpu { get; init; }
    /// <summary>Prompt tokens (cached ones included) per GPU per second while prefilling.</summary>
    public required double PrefillInputTokensPerSecondPerGpu { get; init; }
    /// <summary>Memory one GPU holds at <see cref="Concurrency"/>.</summary>
    public required MemoryBreakdown MemoryPerGpu { get; init; }
    /// <summary>Weights, workspace, reserve and the KV cache of the batch fit in the usable HBM.</summary>
    public required bool Fits { get; init; }
    /// <summary>What limits prefill: compute, memory, or TP, EP or PP communication.</summary>
    public required Bottleneck PrefillBound { get; init; }
    /// <summary>What limits decode.</summary>
    public required Bottleneck DecodeBound { get; init; }
    /// <summary>GPU-hours of prefill and decode work per million output tokens at the run's $/GPU-hour (Run.GpuEconomics).</summary>
    public required double UsdPerMillionOutputTokens { get; init; }
    /// <summary>Facility energy per output token: rated power × power utilisation × PUE × GPU-seconds per token (Run.GpuEconomics).</summary>
    public required double JoulesPerOutputToken { get; init; }
    /// <summary>Present in disaggregated mode.</summary>
    public required DisaggregatedPools? Disaggregated { get; init; }

    public double MemoryGiBPerGpu => MemoryPerGpu.Total.GiB;
}

/// <summary>The two pools of disaggregated serving.</summary>
public sealed record DisaggregatedPools
{
    /// <summary>GPUs prefilling.</summary>
    public required int PrefillGpus { get; init; }
    /// <summary>GPUs decoding.</summary>
    public required int DecodeGpus { get; init; }
    /// <summary>Requests the prefill pool can admit per second.</summary>
    public required double PrefillRequestsPerSecond { get; init; }
    /// <summary>Requests the decode pool can finish per second.</summary>
    public required double DecodeRequestsPerSecond { get; init; }
    /// <summary>Moving one prompt's KV cache from a prefill to a decode replica.</summary>
    public required Seconds KvTransfer { get; init; }
    /// <summary>Fraction of a decode GPU's link bandwidth the incoming KV transfers take (it slows the EP all-to-all by 1/(1 − share)).</summary>
    public required double KvNicShare { get; init; }
    /// <summary>Prefill GPUs per decode GPU that makes both pools equally fast.</summary>
    public required double BalancedPrefillPerDecodeGpu { get; init; }
    /// <summary>"prefill" or "decode": the slower pool.</summary>
    public required string Limiter { get; init; }
}
