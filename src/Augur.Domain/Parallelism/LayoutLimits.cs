using Augur.Domain.Workloads;

namespace Augur.Domain.Parallelism;

/// <summary>
/// Products of the degrees a scenario states, worked out in 64 bits before anything multiplies them in 32: once
/// each is within the largest cluster (<see cref="InputLimits.MaxGpus"/>), every later product of degrees fits an
/// int, and <see cref="LayoutValidator"/> gives its usual, more specific messages for smaller mismatches.
/// </summary>
public static class LayoutLimits
{
    /// <summary>One actionable message when the stated degrees multiply past the cluster or the batch, else null.</summary>
    public static string? Check(Scenario s)
    {
        var l = s.Layout;
        long gpus = s.Cluster.Gpus, max = InputLimits.MaxGpus;
        long tp = l.Tp ?? 1, pp = l.Pp ?? 1, dp = l.Dp ?? 1, cp = l.Cp ?? 1;
        if (s.Workload == WorkloadKind.Inference)
        {
            long dpa = l.DpAttention ?? 1, replica = tp * pp * dpa;
            if (replica * dp > max)
                return $"tp×pp×dp_attention×dp = {tp}×{pp}×{dpa}×{dp} = {replica * dp} exceeds the {gpus} GPUs of the cluster";
            return null;
        }
        long product = tp * pp * dp * cp;
        if (product > max)
            return $"tp×pp×dp×cp = {tp}×{pp}×{dp}×{cp} = {product}, but the cluster has {gpus} GPUs; make the degrees multiply to {gpus}";
        long experts = (long)(l.Ep ?? 1) * (l.Etp ?? 1);
        if (experts > max) return $"ep×etp = {experts} exceeds the {gpus} GPUs of the cluster";
        if (pp * (l.Vp ?? 1) > max)
            return $"pp×vp = {pp * (l.Vp ?? 1)} exceeds the {s.Model.Layers} layers of {s.Model.Name} (plus the embedding and loss slots); lower vp";
        if (s.Training is { } job && dp * (l.MicroBatch ?? 1) > Math.Max(max, job.GlobalBatch))
            return $"dp×microbatch = {dp * (l.MicroBatch ?? 1)} exceeds the global batch of {job.GlobalBatch} sequences; lower dp or microbatch";
        return null;
    }
}
