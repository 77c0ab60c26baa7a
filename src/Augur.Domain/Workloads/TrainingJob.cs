using Augur.Domain.Hardware;

namespace Augur.Domain.Workloads;

/// <summary>Attention kernel used in training: fused (FlashAttention) or unfused (scores materialized, as in Megatron-LM 2021).</summary>
public enum AttentionKernel { Flash, Unfused }

/// <summary>A pretraining job: what is trained on what batch, and for how long.</summary>
public sealed record TrainingJob
{
    public required int SeqLen { get; init; }
    /// <summary>Sequences per optimizer step.</summary>
    public required int GlobalBatch { get; init; }
    public required Precision Precision { get; init; }
    /// <summary>Total training tokens, when a budget is given.</summary>
    public double? TokenBudget { get; init; }
    /// <summary>Total training FLOPs (model FLOPs), when a budget is given.</summary>
    public double? FlopBudget { get; init; }
    public AttentionKernel AttentionKernel { get; init; } = AttentionKernel.Flash;
    /// <summary>Whether data-parallel gradient and parameter traffic overlaps with compute (Megatron --overlap-grad-reduce).</summary>
    public bool OverlapDataParallel { get; init; } = true;

    public double TokensPerStep => (double)SeqLen * GlobalBatch;
}

/// <summary>Reliability and price inputs of a whole run.</summary>
public sealed record RunEconomics
{
    public double UsdPerGpuHour { get; init; }
    /// <summary>Mean time between failures of ONE GPU (with its share of host, network and power), hours.</summary>
    public double GpuMtbfHours { get; init; }
    /// <summary>Time to write one checkpoint, seconds (training is paused meanwhile).</summary>
    public double CheckpointWriteSeconds { get; init; }
    /// <summary>Time to restart after a failure (reschedule, reload), seconds.</summary>
    public double RestartSeconds { get; init; }
    /// <summary>Average power drawn per GPU as a fraction of its rated power.</summary>
    public double PowerUtilization { get; init; }
    /// <summary>Power usage effectiveness of the datacenter (facility power / IT power).</summary>
    public double Pue { get; init; }
}
