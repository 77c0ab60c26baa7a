using Augur.Domain.Workloads;

namespace Augur.CostModels.Operators;

/// <summary>
/// What one GPU computes in one transformer layer for one forward pass: the single description that
/// training, prefill and decode all hand to <see cref="LayerCost"/>.
/// </summary>
/// <param name="Tokens">Tokens whose attention and dense MLP this GPU's TP group computes (b·s/cp in training, the batch in decode).</param>
/// <param name="FullContext">Average tokens each of them attends to in full-attention layers.</param>
/// <param name="WindowContext">Average attended tokens in sliding-window layers.</param>
/// <param name="Tp">Tensor-parallel degree of attention and dense MLP.</param>
/// <param name="SequenceParallel">Norm/residual activations sharded over TP (otherwise replicated).</param>
/// <param name="ExpertTokenVisits">Token×expert visits this GPU's routed experts process in one MoE layer.</param>
/// <param name="ExpertsTouched">Routed experts on this GPU whose weights are read in one MoE layer.</param>
/// <param name="Etp">Tensor-parallel degree inside each expert.</param>
/// <param name="Kernel">Fused (flash) or unfused attention.</param>
/// <param name="KvBytesPerLayer">KV-cache bytes this GPU reads per layer (decode); 0 when K/V are produced in the same pass.</param>
/// <param name="LatentAttentionShare">
/// MLA only: the fraction of attended (query, key) pairs computed on the cached latent in the weight-absorbed
/// form (decode tokens reading the cache); the rest use the expanded per-head K and V (prefill, training).
/// </param>
public readonly record struct LayerShape(
    double Tokens,
    double FullContext,
    double WindowContext,
    int Tp,
    bool SequenceParallel,
    double ExpertTokenVisits,
    double ExpertsTouched,
    int Etp,
    AttentionKernel Kernel,
    double KvBytesPerLayer,
    double LatentAttentionShare = 0);

/// <summary>Forward time of one layer on one GPU, by operator kind (seconds), and its hardware FLOPs.</summary>
public readonly record struct LayerTime(double Gemm, double Attention, double Elementwise, double HardwareFlops)
{
    public double Total => Gemm + Attention + Elementwise;

    public static LayerTime operator +(LayerTime a, LayerTime b) =>
        new(a.Gemm + b.Gemm, a.Attention + b.Attention, a.Elementwise + b.Elementwise, a.HardwareFlops + b.HardwareFlops);

    public static LayerTime operator *(LayerTime a, double k) =>
        new(a.Gemm * k, a.Attention * k, a.Elementwise * k, a.HardwareFlops * k);
}
