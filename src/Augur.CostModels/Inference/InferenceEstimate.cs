using Augur.CostModels.Memory;

namespace Augur.CostModels.Inference;

/// <summary>
/// Steady-state serving estimate of one layout. Times in seconds, rates in tokens per second.
/// </summary>
/// <param name="Layout">The layout costed.</param>
/// <param name="Concurrency">Concurrent sequences per replica (decode replica when disaggregated).</param>
/// <param name="MaxConcurrency">Most sequences one replica's KV cache holds (each reserves input+output tokens).</param>
/// <param name="Ttft">
/// Time to first token with no queueing: prefill of one prompt (its uncached tokens) alone on one attention
/// group, plus the KV transfer when disaggregated, plus one decode step at <see cref="Concurrency"/>.
/// </param>
/// <param name="Tpot">
/// Mean time per output token AFTER the first. Disaggregated: decode step time at <see cref="Concurrency"/>
/// divided by the tokens one step yields (speculative decoding). Aggregated: also the prefill chunks of the
/// other B − 1 sequences' replacements that run between this sequence's decode steps:
/// ((o/y)·step + (B − 1)·prefill_per_prompt) / o.
/// </param>
/// <param name="DecodeStep">The decode iteration at <see cref="Concurrency"/> and the average context.</param>
/// <param name="PrefillIteration">One steady-state prefill iteration (a full chunk of prompts per attention group).</param>
/// <param name="PrefillSecondsPerPrompt">Replica time per prompt in steady-state batched prefill.</param>
/// <param name="OutputTokensPerSecondPerReplica">Aggregated: one replica. Disaggregated: the whole deployment divided by its decode replicas.</param>
/// <param name="OutputTokensPerSecondPerGpu">Whole deployment (prefill GPUs included) per GPU.</param>
/// <param name="OutputTokensPerSecondTotal">Whole deployment.</param>
/// <param name="DecodeOutputTokensPerSecondPerGpu">Output rate per GPU while decoding (the decode pool's rate when disaggregated).</param>
/// <param name="PrefillInputTokensPerSecondPerGpu">Prompt tokens (cached ones included) per GPU per second while prefilling.</param>
/// <param name="MemoryPerGpu">Memory one GPU holds at <see cref="Concurrency"/>.</param>
/// <param name="Fits">Weights, workspace, reserve and the KV cache of the batch fit in the usable HBM.</param>
/// <param name="PrefillBound">What limits prefill: compute, memory, or TP, EP or PP communication.</param>
/// <param name="DecodeBound">What limits decode.</param>
/// <param name="UsdPerMillionOutputTokens">GPU-hours of prefill and decode work per million output tokens at the run's $/GPU-hour (Run.GpuEconomics).</param>
/// <param name="JoulesPerOutputToken">Facility energy per output token: rated power × power utilisation × PUE × GPU-seconds per token (Run.GpuEconomics).</param>
/// <param name="Disaggregated">Present in disaggregated mode.</param>
public sealed record InferenceEstimate(
    InferenceLayout Layout,
    int Concurrency,
    int MaxConcurrency,
    double Ttft,
    double Tpot,
    IterationCost DecodeStep,
    IterationCost PrefillIteration,
    double PrefillSecondsPerPrompt,
    double OutputTokensPerSecondPerReplica,
    double OutputTokensPerSecondPerGpu,
    double OutputTokensPerSecondTotal,
    double DecodeOutputTokensPerSecondPerGpu,
    double PrefillInputTokensPerSecondPerGpu,
    MemoryBreakdown MemoryPerGpu,
    bool Fits,
    Bottleneck PrefillBound,
    Bottleneck DecodeBound,
    double UsdPerMillionOutputTokens,
    double JoulesPerOutputToken,
    DisaggregatedPools? Disaggregated)
{
    public double MemoryGiBPerGpu => MemoryPerGpu.Total.GiB;
}

/// <summary>The two pools of disaggregated serving.</summary>
/// <param name="PrefillGpus">GPUs prefilling.</param>
/// <param name="DecodeGpus">GPUs decoding.</param>
/// <param name="PrefillRequestsPerSecond">Requests the prefill pool can admit per second.</param>
/// <param name="DecodeRequestsPerSecond">Requests the decode pool can finish per second.</param>
/// <param name="KvTransferSeconds">Moving one prompt's KV cache from a prefill to a decode replica.</param>
/// <param name="KvNicShare">Fraction of a decode GPU's link bandwidth the incoming KV transfers take (it slows the EP all-to-all by 1/(1 − share)).</param>
/// <param name="BalancedPrefillPerDecodeGpu">Prefill GPUs per decode GPU that makes both pools equally fast.</param>
/// <param name="Limiter">"prefill" or "decode": the slower pool.</param>
public sealed record DisaggregatedPools(
    int PrefillGpus, int DecodeGpus, double PrefillRequestsPerSecond, double DecodeRequestsPerSecond,
    double KvTransferSeconds, double KvNicShare, double BalancedPrefillPerDecodeGpu, string Limiter);
