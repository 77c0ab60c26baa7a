using Augur.Domain.Models;
using Augur.Domain.Workloads;

namespace Augur.CostModels.Operators;

/// <summary>
/// A capacity-bound MoE layer that dispatches by einsum (docs/FORMULAS.md §3): MaxText's <c>dense_matmul</c> with
/// <c>capacity_factor</c> &gt; 0 and <c>sparse_matmul</c> off (AI-Hypercomputer/maxtext MaxText/layers/moe.py @ tpu-recipes-v0.1.2,
/// <c>generate_masks</c> and <c>dense_matmul</c>). Each sequence is one group: every expert gets
/// C = int(max(⌈s·k/E⌉·cf, cf)) slots, the dispatch einsum <c>BSM,BSEC → EBCM</c> multiplies each sequence's s×d tokens
/// against its s×(E·C) one-hot mask, the experts compute all E·C slots (filled or not), and the combine einsum
/// <c>EBCM,BSEC → BSM</c> multiplies their outputs back by the weighted mask. No permutation, no host synchronisation.
/// </summary>
public static class ExpertCapacity
{
    /// <summary>Slots of one expert in a sequence of <paramref name="seqLen"/> tokens (generate_masks' expert_capacity_per_batch).</summary>
    public static double SlotsPerExpert(MoeSpec moe, int seqLen, double capacityFactor) =>
        Math.Floor(Math.Max(Math.Ceiling((double)seqLen * moe.TopK / moe.Experts) * capacityFactor, capacityFactor));

    /// <summary>Expert slots of a sequence, E·C: the width of the dispatch and combine einsums per token.</summary>
    public static double SlotsPerSequence(MoeSpec moe, int seqLen, double capacityFactor) =>
        moe.Experts * SlotsPerExpert(moe, seqLen, capacityFactor);

    /// <summary>
    /// Expert rows computed per token: E·C/s with a capacity (each slot is computed, filled or not), else the top-k
    /// routed copies.
    /// </summary>
    public static double RowsPerToken(MoeSpec moe, TrainingJob job) =>
        job.ExpertCapacityFactor is { } cf ? SlotsPerSequence(moe, job.SeqLen, cf) / job.SeqLen : moe.TopK;
}
