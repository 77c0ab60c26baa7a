using Augur.Domain.Hardware;
using Augur.Domain.Workloads;

namespace Augur.CostModels.Operators;

/// <summary>
/// The host's share of eager training (docs/FORMULAS.md §3): the CPU issues every module's kernels (Python module
/// code, the dispatcher, the launch), and the GPU runs them only once issued. Where the host can run ahead, its time
/// hides under the GPU's; after the MoE dispatcher's synchronisation (<see cref="DispatchSync"/>) the GPU's queue is
/// empty, so each MoE layer's forward takes the longer of the two. Scopes captured in CUDA graphs cost the host one
/// replay instead (counted as nothing); a full-iteration graph removes the host from the step. A host slower than the x86
/// one measured (<see cref="Accelerator.HostOpTime"/>: a Grace CPU) takes that much longer for each. Built once per scenario.
/// </summary>
public readonly record struct HostIssueCost
{
    /// <summary>Megatron captures the router and the dispatcher's preprocessing as two scopes; the measurement covers both together, taken here as halves (assumption).</summary>
    const double RouterShare = 0.5;
    /// <summary>GEMM calls forward: QKV and output projections; the router; fc1 and fc2 of each expert and of a dense MLP.</summary>
    const int AttentionGemms = 2, RouterGemms = 1, MlpGemms = 2;

    readonly double _attention, _router, _exchange, _expert, _gemmCall;
    readonly int _attentionGemms, _routerGemms, _mlpGemms;

    HostIssueCost(HostIssue host, CudaGraphScopes graphs, double opTime)
    {
        bool attn = (graphs & CudaGraphScopes.Attention) != 0, mlp = (graphs & CudaGraphScopes.Mlp) != 0, router = (graphs & CudaGraphScopes.MoeRouter) != 0;
        double routerLeft = (router ? 0 : RouterShare) + ((graphs & CudaGraphScopes.MoePreprocess) != 0 ? 0 : 1 - RouterShare);
        _attention = attn ? 0 : host.AttentionForward.Value * opTime;
        _router = host.RouterForward.Value * routerLeft * opTime;
        _exchange = host.ExchangeForward.Value * opTime;
        _expert = host.ExpertForward.Value * opTime;
        _gemmCall = host.GemmCall.Value * opTime;
        _attentionGemms = attn ? 0 : AttentionGemms;
        _routerGemms = router ? 0 : RouterGemms;
        _mlpGemms = mlp ? 0 : MlpGemms;
        Modelled = true;
    }

    /// <summary>False when there is no host time: nothing measured for the hardware, or the whole iteration captured.</summary>
    public bool Modelled { get; }

    /// <summary>The host time of <paramref name="host"/>'s measurement on a host taking <paramref name="opTime"/> times as long per operation.</summary>
    public static HostIssueCost For(HostIssue? host, CudaGraphScopes graphs, double opTime = 1) =>
        host is null || (graphs & CudaGraphScopes.FullIteration) != 0 ? default : new HostIssueCost(host, graphs, opTime);

    /// <summary>Host time of a dense layer's forward: its attention block and its MLP's two GEMM calls.</summary>
    public double DenseForward => _attention + _mlpGemms * _gemmCall;

    /// <summary>Host time of an MoE layer's forward with <paramref name="localExperts"/> experts on the GPU.</summary>
    public double MoeForward(double localExperts) => _attention + MoeBlockForward(localExperts);

    /// <summary>Host time of the MoE block alone (router, dispatch and combine, experts): what rerunning it issues again.</summary>
    public double MoeBlockForward(double localExperts) => _router + _exchange + _expert * localExperts;

    /// <summary>
    /// The backward repeats each module's host work once (autograd runs Transformer Engine's Python backward per
    /// module) and calls two GEMMs (data and weight gradients) for each forward GEMM: one more call each.
    /// </summary>
    public double DenseBackward => DenseForward + (_attentionGemms + _mlpGemms) * _gemmCall;

    public double MoeBackward(double localExperts) => MoeForward(localExperts) + (_attentionGemms + _routerGemms + MlpGemms * localExperts) * _gemmCall;

    /// <summary>
    /// Time the GPU waits on the host in one pass. Forward: with MoE layers each synchronisation starts a segment of one
    /// MoE layer and its share of the dense layers, which takes the longer of its GPU and host times; without them the
    /// host runs ahead over the whole forward. Backward: no synchronisation, the host runs ahead over the whole backward
    /// (a full recompute issues the forward again; an MoE forward that reruns without it, <paramref name="moeReruns"/>,
    /// issues its MoE blocks again). GPU times include the communication the GPU's stream waits for.
    /// </summary>
    public double Wait(int dense, int moe, double localExperts, double gpuDenseForward, double gpuMoeForward, double gpuBackward, bool backward,
        bool recomputeForward, bool moeReruns)
    {
        if (!Modelled) return 0;
        double forward;
        double hostForward = dense * DenseForward + moe * MoeForward(localExperts);
        if (moe > 0)
        {
            double densePerSegment = (double)dense / moe;
            forward = moe * Math.Max(0, MoeForward(localExperts) + densePerSegment * DenseForward - gpuMoeForward - densePerSegment * gpuDenseForward);
        }
        else forward = Math.Max(0, hostForward - dense * gpuDenseForward);
        if (!backward) return forward;
        double rerun = recomputeForward ? hostForward : moeReruns ? moe * MoeBlockForward(localExperts) : 0;
        double hostBackward = dense * DenseBackward + moe * MoeBackward(localExperts) + rerun;
        return forward + Math.Max(0, hostBackward - gpuBackward);
    }
}
