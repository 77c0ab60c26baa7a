using Augur.Units;

namespace Augur.CostModels.Operators;

/// <summary>
/// Time of one <see cref="StagePass"/> on one GPU, by part. Communication is what stays exposed: only the K/V gather of
/// context parallelism hides behind attention.
/// </summary>
public readonly record struct PassCost
{
    /// <summary>The pass's layers run forward once: time by kind, hardware FLOPs and the weight bytes read.</summary>
    public required LayerTime Forward { get; init; }
    /// <summary>GEMM time of the pass: forward, plus backward and recomputation when it has them.</summary>
    public required Seconds Gemm { get; init; }
    /// <summary>Attention-core time of the pass (its projections are GEMMs), as <see cref="Gemm"/>.</summary>
    public required Seconds Attention { get; init; }
    /// <summary>Elementwise time of the pass, as <see cref="Gemm"/>.</summary>
    public required Seconds Elementwise { get; init; }
    /// <summary>Forward FLOPs of the modules the backward pass recomputes (not core attention or full recompute).</summary>
    public required Flops RecomputedFlops { get; init; }
    /// <summary>The LM head run forward once (zero when the pass computes no logits).</summary>
    public required LayerTime Head { get; init; }
    /// <summary>The LM head's time in the pass: forward, plus its backward (twice the forward) when the pass has one.</summary>
    public required Seconds HeadTime { get; init; }
    /// <summary>Tensor-parallel collectives: two per layer per direction, and those of recomputed blocks.</summary>
    public required Seconds TensorParallel { get; init; }
    /// <summary>Context-parallel K/V exchange left exposed beyond attention.</summary>
    public required Seconds ContextParallel { get; init; }
    /// <summary>Expert dispatch and combine per MoE layer per direction.</summary>
    public required Seconds ExpertParallel { get; init; }
    /// <summary>Activation (and gradient) sends across stage boundaries.</summary>
    public required Seconds PipelineP2P { get; init; }

    /// <summary>Time the GPU waits on the host (the MoE dispatcher's token-count sync), forward and any recompute.</summary>
    public Seconds HostStall { get; init; }

    /// <summary>Time the GPU waits for the host to issue the pass's work (<see cref="HostIssueCost"/>); not part of <see cref="Layers"/>.</summary>
    public Seconds HostWait { get; init; }

    /// <summary>Compute time of the layers in the pass (head excluded).</summary>
    public Seconds Layers => Gemm + Attention + Elementwise + HostStall;

    /// <summary>
    /// A pass whose layers run as <paramref name="a"/>'s in a <paramref name="share"/> of them and as <paramref name="b"/>'s in
    /// the rest (layers are costed one by one and summed, so the parts mix in proportion; the forward is both passes').
    /// </summary>
    public static PassCost Mix(in PassCost a, in PassCost b, double share)
    {
        Seconds M(Seconds x, Seconds y) => new(x.Value * share + y.Value * (1 - share));
        return a with
        {
            Gemm = M(a.Gemm, b.Gemm), Attention = M(a.Attention, b.Attention), Elementwise = M(a.Elementwise, b.Elementwise),
            RecomputedFlops = new(a.RecomputedFlops.Value * share + b.RecomputedFlops.Value * (1 - share)),
            TensorParallel = M(a.TensorParallel, b.TensorParallel), ContextParallel = M(a.ContextParallel, b.ContextParallel),
            ExpertParallel = M(a.ExpertParallel, b.ExpertParallel), HostStall = M(a.HostStall, b.HostStall), HostWait = M(a.HostWait, b.HostWait),
        };
    }
}
