namespace Augur.CostModels;

/// <summary>
/// What limits a training step or a serving pass: one vocabulary for both, spelled once by <see cref="BottleneckNames.Label"/>.
/// </summary>
public enum Bottleneck
{
    /// <summary>A serving pass whose FLOP time exceeds its byte time.</summary>
    Compute,
    /// <summary>A serving pass whose weight and KV reads take longer than its FLOPs.</summary>
    Memory,
    /// <summary>A training step's compute, most of it in GEMMs and attention.</summary>
    GemmCompute,
    /// <summary>A training step's compute, most of it in memory-bound (elementwise) kernels.</summary>
    MemoryBoundCompute,
    PipelineBubble,
    TensorParallel,
    ContextParallel,
    ExpertParallel,
    PipelineP2P,
    DataParallel,
    Optimizer,
    /// <summary>Waiting on the wide-area network between sites.</summary>
    CrossSite,
    /// <summary>Waiting on activation copies to and from host memory.</summary>
    HostOffload,
    /// <summary>Waiting on the host to issue eager work (kernel launches and the Python around them).</summary>
    HostIssue,
}

public static class BottleneckNames
{
    /// <summary>
    /// The spelling reports and JSON use. Communication kinds are snake_case like the JSON keys they head
    /// (<c>tp_comm</c> beside <c>tp_comm_s</c>), for training and serving alike.
    /// </summary>
    public static string Label(this Bottleneck b) => b switch
    {
        Bottleneck.Compute => "compute",
        Bottleneck.Memory => "memory",
        Bottleneck.GemmCompute => "compute (GEMM-bound)",
        Bottleneck.MemoryBoundCompute => "compute (memory-bound kernels)",
        Bottleneck.PipelineBubble => "pipeline_bubble",
        Bottleneck.TensorParallel => "tp_comm",
        Bottleneck.ContextParallel => "cp_comm",
        Bottleneck.ExpertParallel => "ep_comm",
        Bottleneck.PipelineP2P => "pp_comm",
        Bottleneck.DataParallel => "dp_comm",
        Bottleneck.Optimizer => "optimizer",
        Bottleneck.CrossSite => "wan_comm",
        Bottleneck.HostOffload => "host_offload",
        Bottleneck.HostIssue => "host_issue",
        _ => throw new ArgumentOutOfRangeException(nameof(b), b, null),
    };
}
