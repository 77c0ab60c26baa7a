using Augur.Units;

namespace Augur.CostModels.Operators;

/// <summary>
/// The host synchronisation a dropless MoE dispatcher makes before its exchange (docs/FORMULAS.md §3). Megatron-core's
/// alltoall dispatcher copies the per-expert token counts to the host and synchronises the stream before the
/// all-to-all (token_dispatcher.py, cuda_sync_point "before_ep_alltoall" when dropless with EP or several local
/// experts): the GPU's queue drains and it idles for one device-to-host round trip, once per MoE layer forward and
/// again when the layer is recomputed; the backward pass reuses the host copy of the counts (NVIDIA-NeMo/Automodel
/// PR #3931 describes the same drain per MoE layer, forward and recompute, on its HybridEP path). A step compiled with
/// static shapes makes no such sync (<see cref="Augur.Domain.Hardware.HardwareCalibration.CompiledStep"/>): MaxText's
/// dropless layer counts each expert's rows on the device (moe.py <c>permute</c>: <c>jnp.bincount(..., length=num_experts)</c>)
/// and hands the counts as a device array to the grouped GEMM (<c>jax.lax.ragged_dot</c>, megablox or tokamax <c>gmm</c>,
/// <c>group_sizes</c>) and to <c>ragged_all_to_all</c>, all inside the jitted train step (AI-Hypercomputer/maxtext
/// @ tpu-recipes-v0.1.2 MaxText/layers/moe.py <c>sparse_matmul</c>, MaxText/train.py <c>p_train_step = jax.jit(...)</c>).
/// </summary>
public static class DispatchSync
{
    /// <summary>
    /// One device-to-host round trip: 26.1 µs measured on bare-metal Linux (jingyaogong/minimind PR #837, sync probe on
    /// 2× RTX 3090; 116 µs under WSL2). The only published measurement found; no datacenter GPU's was.
    /// </summary>
    public static readonly Seconds RoundTrip = new(26.1e-6);
}
