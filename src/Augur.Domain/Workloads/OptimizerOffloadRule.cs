using Augur.Domain.Hardware;

namespace Augur.Domain.Workloads;

/// <summary>When an optimizer can live on the host (<see cref="TrainingJob.OptimizerOffload"/>), for training scenarios and RL trainers alike.</summary>
public static class OptimizerOffloadRule
{
    /// <summary>
    /// Why <paramref name="share"/> of the optimizer cannot go to the host, or null: it needs host memory to hold it,
    /// Megatron's distributed optimizer (the hybrid optimizer maps its parameters; NeMo-RL's docs say it requires
    /// use_distributed_optimizer) and fp32 master weights (its CPU Adam updates an fp32 copy).
    /// </summary>
    public static string? Problem(double share, Accelerator a, int? zero, Precision? optimizerPrecision) =>
        share == 0 ? null
        : a.HostMemory is null ? $"{a.Id} has no host memory tier to hold the optimizer; remove optimizer_offload or give the hardware a host_memory section"
        : zero == 0 ? "Megatron keeps the optimizer on the host only with its distributed optimizer; set zero: 1 or more, or remove optimizer_offload"
        : optimizerPrecision is not null ? "the host optimizer updates fp32 master weights; remove optimizer_precision or optimizer_offload"
        : null;
}
