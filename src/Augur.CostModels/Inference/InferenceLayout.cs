using Augur.Domain.Models;
using Augur.Domain.Parallelism;
using Augur.Domain.Workloads;

namespace Augur.CostModels.Inference;

/// <summary>
/// How one serving replica is laid out. Mapping: a replica has <c>Tp·Pp·DpAttention</c> GPUs. Each pipeline
/// stage holds <c>Tp·DpAttention</c> GPUs: <see cref="DpAttention"/> attention groups of <see cref="Tp"/> GPUs,
/// each group serving its own sequences (data-parallel attention; 1 = plain tensor parallelism). The routed
/// experts of a stage are spread over all its GPUs: <see cref="Ep"/> expert-parallel ranks, each expert split
/// over <see cref="Etp"/> = Tp·DpAttention / Ep GPUs. So EP must divide the experts and divide Tp·DpAttention
/// (hence EP ≤ GPUs per replica).
/// </summary>
public readonly record struct InferenceLayout(int Tp, int Pp, int Ep, int DpAttention, int Replicas)
{
    /// <summary>GPUs of one replica: tp·pp·dp_attention.</summary>
    public int GpusPerReplica => Tp * Pp * DpAttention;

    /// <summary>GPUs of one pipeline stage (the ranks the routed experts are spread over).</summary>
    public int GpusPerStage => Tp * DpAttention;

    /// <summary>Tensor-parallel degree inside each routed expert.</summary>
    public int Etp => Math.Max(1, GpusPerStage / Math.Max(1, Ep));

    public int Gpus => GpusPerReplica * Replicas;

    /// <summary>One actionable message when the layout cannot serve the model on <paramref name="gpus"/> GPUs, else null.</summary>
    public string? Validate(ModelSpec m, int gpus)
    {
        if (DpAttention < 1 || Replicas < 1)
            return "dp_attention and the replica count must be positive integers";
        if (LayoutValidator.CheckShape(m, gpus, Tp, Pp, Ep, 1) is { } shape) return shape;
        if (m.Moe is not null && GpusPerStage % Ep != 0)
            return $"ep={Ep} must divide tp×dp_attention = {GpusPerStage} (experts are spread over the GPUs of one pipeline stage)";
        if (m.Moe is null && DpAttention > 1)
            return $"dp_attention={DpAttention} is for MoE models (attention replicas sharing one expert-parallel group); use replicas for a dense model";
        if (Gpus > gpus)
            return $"tp×pp×dp_attention×replicas = {Tp}×{Pp}×{DpAttention}×{Replicas} = {Gpus} exceeds the {gpus} GPUs of the cluster";
        return null;
    }

    /// <summary>
    /// One actionable message when a disaggregated job cannot be deployed with this layout on <paramref name="gpus"/>
    /// GPUs, else null: the pools must fit the cluster, and without explicit pools there must be a replica for each.
    /// Pools need not be whole replicas here (rates scale per GPU); the request-level simulator requires them.
    /// </summary>
    public string? ValidatePools(InferenceJob job, int gpus)
    {
        if (job.Mode != ServingMode.Disaggregated) return null;
        if (job.PrefillGpus is { } p && job.DecodeGpus is { } d)
            return p + d > gpus ? $"prefill_gpus + decode_gpus = {p} + {d} = {p + d} exceeds the {gpus} GPUs of the cluster" : null;
        return Replicas < 2
            ? $"disaggregated serving needs a prefill and a decode replica, but {GpusPerReplica}-GPU replicas give {Replicas} on {gpus} GPUs; add GPUs, shrink the replica, or give prefill_gpus and decode_gpus"
            : null;
    }

    /// <summary>Compact form: tp, pp when above 1, ep and dp_attention when used, replicas (tp4 ×4).</summary>
    public string Describe()
    {
        string pp = Pp > 1 ? FormattableString.Invariant($" pp{Pp}") : "";
        string moe = Ep > 1 || DpAttention > 1 ? FormattableString.Invariant($" ep{Ep} dpa{DpAttention}") : "";
        return FormattableString.Invariant($"tp{Tp}{pp}{moe} ×{Replicas}");
    }
}
