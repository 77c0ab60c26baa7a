using Augur.Units;

namespace Augur.Domain.Hardware;

/// <summary>
/// Host time eager PyTorch/Megatron-core/Transformer Engine spends issuing one layer's work on one GPU, per module,
/// measured on the host (NVTX ranges; docs/FORMULAS.md §3): what the CPU does before the GPU can run it. The GPU
/// waits for it wherever the host cannot run ahead (after the MoE dispatcher's synchronisation). Sources in the
/// calibration family's file.
/// </summary>
public sealed record HostIssue
{
    /// <summary>The self-attention block's forward.</summary>
    public required Seconds AttentionForward { get; init; }
    /// <summary>The MoE router and the dispatcher's preprocessing, forward.</summary>
    public required Seconds RouterForward { get; init; }
    /// <summary>The MoE dispatch and combine (permutations and the exchange), forward.</summary>
    public required Seconds ExchangeForward { get; init; }
    /// <summary>The routed experts' forward, per expert on the GPU.</summary>
    public required Seconds ExpertForward { get; init; }
    /// <summary>One GEMM call (Transformer Engine's cuBLAS wrapper).</summary>
    public required Seconds GemmCall { get; init; }
}
