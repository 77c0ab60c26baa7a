using Augur.Domain.Workloads;
using Augur.Domain.Parallelism;

namespace Augur.CostModels.Operators;

/// <summary>
/// One pass of one pipeline stage, by name: what <see cref="PassComposer"/> costs. Training passes a stage's share of
/// the layers forward and backward for one micro-batch; serving passes every layer forward once (the stages of a
/// replica run one after another for a micro-batch).
/// </summary>
public readonly record struct StagePass
{
    /// <summary>What one GPU computes in each layer of the pass.</summary>
    public required LayerShape Shape { get; init; }
    /// <summary>Dense layers the pass runs.</summary>
    public required int DenseLayers { get; init; }
    /// <summary>MoE layers the pass runs.</summary>
    public required int MoeLayers { get; init; }
    /// <summary>True for forward and backward (training); false for forward only (serving).</summary>
    public bool Backward { get; init; }
    /// <summary>What the backward pass recomputes (none, selective, full or modules); only with <see cref="Backward"/>.</summary>
    public Recompute Recompute { get; init; }
    /// <summary>A MaxText remat policy, which says per tensor what the backward recomputes (<see cref="LayerCost.Rematerialized"/>); null for <see cref="Recompute"/>.</summary>
    public RematPolicy? Remat { get; init; }
    /// <summary>Context-parallel degree: above 1, every layer exchanges attention's inputs over the group as <see cref="ContextParallelComm"/> says.</summary>
    public int ContextParallel { get; init; }
    /// <summary>Ring attention's K/V passes, hidden behind attention where they can be, or all-to-alls over heads on attention's path.</summary>
    public ContextParallelComm ContextParallelComm { get; init; }
    /// <summary>Tokens whose logits the LM head computes when this is the last stage (0: no head).</summary>
    public double LogitTokens { get; init; }
    /// <summary>Stage boundaries the activations cross in each direction (training: v per stage; serving: p − 1).</summary>
    public int StageHops { get; init; }
    /// <summary>GPUs of one pipeline stage: neighbouring stages are this many ranks apart.</summary>
    public int StageGpus { get; init; }
    /// <summary>How the MoE layers send tokens to the ranks holding their experts; null when no exchange is needed.</summary>
    public TokenExchange? Experts { get; init; }
    /// <summary>The host's time to issue the pass's work in eager training; default (none) for serving engines.</summary>
    public HostIssueCost Host { get; init; }
}

/// <summary>
/// How one MoE layer's tokens reach their experts and come back (dispatch, then combine), as the engine's dispatcher
/// sends them: Megatron's all-to-all sends every (token, expert) pair, DeepEP one copy per rank (see
/// <see cref="Communication.Collectives.ExpertExchange"/>).
/// </summary>
public readonly record struct TokenExchange
{
    /// <summary>Tokens each rank sends, one copy of each.</summary>
    public required double TokensPerRank { get; init; }
    /// <summary>Copies of each token sent (expert shards it reaches).</summary>
    public required double Copies { get; init; }
    /// <summary>Ranks the exchange spans.</summary>
    public required int Ranks { get; init; }
    /// <summary>Spacing of those ranks in rank order.</summary>
    public required int Stride { get; init; }
    /// <summary>Bytes per element on the way out; combine travels in the activation precision.</summary>
    public required double DispatchBytesPerElement { get; init; }
    /// <summary>Load of the busiest rank over the mean: its bytes grow by this factor, the exchange's latency does not.</summary>
    public required double Busiest { get; init; }
    /// <summary>Fraction of the tokens sent by throughput (prefill) kernels.</summary>
    public double ThroughputShare { get; init; }
    /// <summary>Fraction of each GPU's link taken by other traffic (incoming KV on a disaggregated decode pool).</summary>
    public double LinkShare { get; init; }
}
