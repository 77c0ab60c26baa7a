using Augur.CostModels.Memory;
using Augur.Domain.Parallelism;
using Augur.Domain.Workloads;
using Augur.Units;

namespace Augur.CostModels.Training;

/// <summary>
/// Where one optimizer step's time goes on the critical path. Communication entries are the EXPOSED
/// part (what overlap did not hide).
/// </summary>
public readonly record struct StepBreakdown
{
    public required Seconds Compute { get; init; }
    public required Seconds Bubble { get; init; }
    public required Seconds TensorParallel { get; init; }
    public required Seconds ContextParallel { get; init; }
    public required Seconds ExpertParallel { get; init; }
    public required Seconds PipelineP2P { get; init; }
    public required Seconds DataParallel { get; init; }
    public required Seconds Optimizer { get; init; }
    /// <summary>Exposed wait on the WAN between sites; null for a run in one site (and then not listed among the parts).</summary>
    public Seconds? CrossSite { get; init; }
    /// <summary>Exposed activation copies to and from host memory; null when no activation is offloaded (and then not listed).</summary>
    public Seconds? HostOffload { get; init; }
    /// <summary>The GPU's wait on the host to issue eager work (<see cref="Operators.HostIssueCost"/>); null when none (and then not listed).</summary>
    public Seconds? HostIssue { get; init; }

    public Seconds Total => Compute + Bubble + TensorParallel + ContextParallel + ExpertParallel + PipelineP2P + DataParallel + Optimizer + (CrossSite ?? Seconds.Zero) + (HostOffload ?? Seconds.Zero) + (HostIssue ?? Seconds.Zero);

    /// <summary>The parts in a fixed order with stable names (used by reports and JSON).</summary>
    public IEnumerable<(string Name, Seconds Time)> Parts()
    {
        foreach (var (kind, time) in Kinds()) yield return (kind == Bottleneck.Compute ? "compute" : kind.Label(), time);
    }

    /// <summary>The parts in a fixed order by kind; the compute part is <see cref="Bottleneck.Compute"/> before its split is known.</summary>
    IEnumerable<(Bottleneck Kind, Seconds Time)> Kinds()
    {
        yield return (Bottleneck.Compute, Compute);
        yield return (Bottleneck.PipelineBubble, Bubble);
        yield return (Bottleneck.TensorParallel, TensorParallel);
        yield return (Bottleneck.ContextParallel, ContextParallel);
        yield return (Bottleneck.ExpertParallel, ExpertParallel);
        yield return (Bottleneck.PipelineP2P, PipelineP2P);
        yield return (Bottleneck.DataParallel, DataParallel);
        yield return (Bottleneck.Optimizer, Optimizer);
        if (CrossSite is { } wan) yield return (Bottleneck.CrossSite, wan);
        if (HostOffload is { } offload) yield return (Bottleneck.HostOffload, offload);
        if (HostIssue is { } host) yield return (Bottleneck.HostIssue, host);
    }

    /// <summary>The largest part, compute named as <see cref="Bottleneck.Compute"/>.</summary>
    public Bottleneck Largest
    {
        get
        {
            var name = Bottleneck.Compute;
            double best = -1;
            foreach (var (n, s) in Kinds())
                if (s.Value > best) { best = s.Value; name = n; }
            return name;
        }
    }
}

/// <summary>How the compute time splits by operator kind (whole step, critical path).</summary>
public readonly record struct ComputeSplit
{
    public required Seconds Gemm { get; init; }
    public required Seconds Attention { get; init; }
    public required Seconds Elementwise { get; init; }
}

/// <summary>The cost of one training layout.</summary>
public readonly record struct TrainingEstimate
{
    public required ParallelLayout Layout { get; init; }
    public required Seconds StepTime { get; init; }
    public required StepBreakdown Breakdown { get; init; }
    public required ComputeSplit ComputeSplit { get; init; }
    public required MemoryBreakdown Memory { get; init; }
    /// <summary>Host memory per GPU the optimizer share on the CPU holds (<see cref="TrainingJob.OptimizerOffload"/>); zero without one.</summary>
    public Bytes HostOptimizer { get; init; }
    /// <summary>Whether <see cref="Memory"/> fits HBM and <see cref="HostOptimizer"/> the host memory a GPU has.</summary>
    public bool Fits => HbmFits && HostFits;
    /// <summary>Whether <see cref="Memory"/> fits HBM.</summary>
    public required bool HbmFits { get; init; }
    /// <summary>Whether <see cref="HostOptimizer"/> fits the host memory a GPU has (true without a host tier).</summary>
    public required bool HostFits { get; init; }
    public required double TokensPerSecondPerGpu { get; init; }
    /// <summary>Model FLOPs (no recomputation) each GPU does per second of step.</summary>
    public required FlopRate ModelFlopRatePerGpu { get; init; }
    public required double Mfu { get; init; }
    public required double Hfu { get; init; }
    public required int MicroBatches { get; init; }
    /// <summary>Data parallelism across sites; null for a run in one site.</summary>
    public CrossSiteEstimate? CrossSite { get; init; }

    /// <summary>
    /// One micro-batch's forward pass through the busiest pipeline rank, exposed communication included;
    /// with <see cref="MicroBatchBackward"/> it is the pass whose (pp − 1)/vp repeats make the bubble.
    /// </summary>
    public required Seconds MicroBatchForward { get; init; }

    /// <summary>Its backward pass (and any recomputation).</summary>
    public required Seconds MicroBatchBackward { get; init; }

    /// <summary>The largest part of the step: compute (GEMM/attention/memory-bound), bubble or one kind of communication.</summary>
    public Bottleneck Bottleneck
    {
        get
        {
            var largest = Breakdown.Largest;
            if (largest != Bottleneck.Compute) return largest;
            var c = ComputeSplit;
            return c.Elementwise > c.Gemm + c.Attention ? Bottleneck.MemoryBoundCompute : Bottleneck.GemmCompute;
        }
    }
}

/// <summary>What the WAN does to a multi-site step (see <see cref="Communication.CrossSite"/>).</summary>
public sealed record CrossSiteEstimate
{
    public required CrossSiteTraining Training { get; init; }
    public required int Sites { get; init; }
    /// <summary>The WAN each site has, one direction.</summary>
    public required Bandwidth SiteBandwidth { get; init; }
    /// <summary>One-way WAN latency.</summary>
    public required Seconds Latency { get; init; }
    /// <summary>Bytes one site sends per full synchronisation of the model (all fragments).</summary>
    public required Bytes PerSiteExchange { get; init; }
    /// <summary>Time of one exchange (one fragment's all-reduce) over the WAN, before overlap.</summary>
    public required Seconds Exchange { get; init; }
    /// <summary>The step with an infinitely fast WAN: the inner step, as if the sites were one.</summary>
    public required Seconds StepWithoutWan { get; init; }
    /// <summary>Average WAN wait per step that overlap did not hide.</summary>
    public required Seconds Exposed { get; init; }
    /// <summary>Share of the step not spent waiting on the WAN.</summary>
    public required double Utilization { get; init; }
    /// <summary>The least WAN per site (one direction) that keeps <see cref="Utilization"/> at 95 %; null when latency alone prevents it.</summary>
    public required Bandwidth? BandwidthFor95 { get; init; }
}
