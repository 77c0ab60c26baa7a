using Augur.Domain.Workloads;

namespace Augur.CostModels.Training;

/// <summary>
/// The optimizer share a job keeps on the host CPU (<see cref="TrainingJob.OptimizerOffload"/>; docs/FORMULAS.md §5).
/// Megatron-core's HybridDeviceOptimizer holds that share's fp32 master weights and Adam moments in host memory, copies
/// their gradients into pinned host buffers, runs <c>torch.optim.AdamW</c> on the CPU and copies the weights back
/// (megatron/core/optimizer/cpu_offloading/hybrid_optimizer.py); NeMo-RL and verl pass the fraction through to it.
/// </summary>
public static class HostOptimizer
{
    /// <summary>
    /// Host seconds per offloaded parameter per optimizer step, copies included: NVIDIA-NeMo/RL PR #3628 (merged 2026-08-18,
    /// 7fa6e5519) timed one H100 training Qwen3-0.6B (596,049,920 parameters, tied embeddings) through Megatron-core at
    /// mean steps of 0.752 s with the optimizer on the GPU, 1.216 s with half of it on the CPU and 1.678 s with all of it
    /// (D2H/H2D overlapped with the CPU step, steps 11-100): (1.678 − 0.752) / 596.0M = 1.554 ns, and the half-offload
    /// point gives 1.557 ns, so the cost is linear in the share. One process on its host; several GPUs' processes on one
    /// host share its cores and memory bandwidth, which this figure does not see.
    /// </summary>
    public const double SecondsPerParameter = 1.554e-9;

    /// <summary>
    /// Host bytes per offloaded parameter: its fp32 master weight, the two fp32 Adam moments and the pinned fp32 copy of its
    /// gradient the CPU step reads (hybrid_optimizer.py allocates the gradient copy in the CPU parameter's dtype).
    /// </summary>
    public const double BytesPerParameter = 16;
}
