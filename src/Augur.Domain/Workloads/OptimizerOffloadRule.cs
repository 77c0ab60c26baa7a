using Augur.Domain.Hardware;

namespace Augur.Domain.Workloads;

/// <summary>When an optimizer can live on the host (<see cref="TrainingJob.OptimizerOffload"/>), for training scenarios and RL trainers alike.</summary>
public static class OptimizerOffloadRule
{
    /// <summary>
    /// The ZeRO stage the host optimizer runs beside: Megatron's distributed optimizer (ZeRO 1). Its hybrid optimizer maps the
    /// distributed optimizer's parameters (NeMo-RL's docs: it requires use_distributed_optimizer), and Megatron-FSDP (ZeRO
    /// 2/3) is not documented to run it, so neither the search nor the export goes there.
    /// </summary>
    public const int Stage = 1;

    /// <summary>
    /// Why <paramref name="share"/> of the optimizer cannot go to the host, or null: it needs host memory to hold it,
    /// Megatron's distributed optimizer (<see cref="Stage"/>) and fp32 master weights (its CPU Adam updates an fp32 copy).
    /// </summary>
    public static string? Problem(double share, Accelerator a, int? zero, Precision? optimizerPrecision) =>
        share == 0 ? null
        : a.HostMemory is null ? $"{a.Id} has no host memory tier to hold the optimizer; remove optimizer_offload or give the hardware a host_memory section"
        : zero is { } z && z != Stage ? $"Megatron keeps the optimizer on the host only beside its distributed optimizer (zero: 1), not with zero {z}; set zero: 1 or remove optimizer_offload"
        : optimizerPrecision is not null ? "the host optimizer updates fp32 master weights; remove optimizer_precision or optimizer_offload"
        : null;
}
