namespace Augur.Domain.Parallelism;

/// <summary>
/// A complete parallel layout. Rank order is Megatron's: TP innermost, then CP, then DP, then PP outermost,
/// so TP groups are contiguous GPUs (inside a scale-up domain when they fit). MoE layers re-split the
/// TP×CP×DP ranks of a stage into ETP × EP × expert-DP.
/// </summary>
/// <param name="Tp">Tensor parallel degree.</param>
/// <param name="Pp">Pipeline stages.</param>
/// <param name="Vp">Virtual (interleaved) stages per pipeline rank; 1 = plain 1F1B.</param>
/// <param name="Dp">Data-parallel replicas.</param>
/// <param name="Cp">Context parallel degree (sequence split for attention).</param>
/// <param name="Ep">Expert parallel degree (1 for dense models).</param>
/// <param name="Etp">Tensor parallel degree inside each expert.</param>
/// <param name="Sp">Sequence parallelism on the TP group (shards norms/dropout activations).</param>
/// <param name="Zero">ZeRO stage over the DP×CP group: 0 none, 1 optimizer, 2 + gradients, 3 + parameters (FSDP).</param>
/// <param name="MicroBatch">Sequences per micro-batch.</param>
/// <param name="Recompute">Activation recomputation.</param>
public readonly record struct ParallelLayout(
    int Tp, int Pp, int Vp, int Dp, int Cp, int Ep, int Etp, bool Sp, int Zero, int MicroBatch, Recompute Recompute)
{
    /// <summary>The highest ZeRO stage (3: parameters sharded too); stages run from 0.</summary>
    public const int MaxZeroStage = 3;

    /// <summary>Why <paramref name="zero"/> is not a ZeRO stage, after <paramref name="prefix"/> (where it was given), or null when it is.</summary>
    public static string? ZeroStageError(int zero, string prefix = "zero=") =>
        zero is < 0 or > MaxZeroStage ? $"{prefix}{zero} is not a ZeRO stage; use 0, 1, 2 or 3" : null;

    public int Gpus => Tp * Pp * Dp * Cp;

    /// <summary>Ranks that share one copy of the non-expert weights' shard (gradient reduction group).</summary>
    public int DataShards => Dp * Cp;

    /// <summary>Expert-data-parallel degree: replicas of each expert shard within a stage.</summary>
    public int ExpertDp => Tp * Cp * Dp / (Ep * Etp);

    /// <summary>
    /// The expert all-to-all of one micro-batch runs under another micro-batch's compute (Megatron-core's
    /// <c>overlap_moe_expert_parallel_comm</c>: the combined 1F1B schedule pairs micro-batch i + 1's forward with i's backward).
    /// </summary>
    public bool OverlapExperts { get; init; }

    /// <summary>
    /// Under full recomputation, the layers of each model chunk that recompute (Megatron's <c>recompute_method block</c>
    /// with <c>recompute_num_layers</c>: the chunk's first N layers keep only their input, the rest keep everything);
    /// 0 = every layer.
    /// </summary>
    public int RecomputeLayers { get => _recomputeLayers; init => _recomputeLayers = (short)Math.Clamp(value, 0, short.MaxValue); }

    // Two bytes, in the padding after OverlapExperts: an int grows every layout the search copies from 48 to 52 bytes, which
    // cost the estimate benchmark about 50 ns. A count beyond short.MaxValue exceeds any model's layers and means all of them.
    readonly short _recomputeLayers;

    /// <summary>The share of a chunk of <paramref name="chunkLayers"/> layers that full recomputation reruns: 1 unless <see cref="RecomputeLayers"/> limits it.</summary>
    public double RecomputeShare(double chunkLayers) =>
        Recompute != Recompute.Full ? 0 : RecomputeLayers <= 0 || RecomputeLayers >= chunkLayers ? 1 : RecomputeLayers / chunkLayers;

    public override string ToString() =>
        $"tp{Tp} pp{Pp}{(Vp > 1 ? $" vp{Vp}" : "")} dp{Dp}{(Cp > 1 ? $" cp{Cp}" : "")}{(Ep > 1 ? $" ep{Ep}" : "")}{(Etp > 1 ? $" etp{Etp}" : "")}"
        + $"{(Sp && Tp > 1 ? " sp" : "")}{(OverlapExperts ? " a2a-overlap" : "")} zero{Zero} mb{MicroBatch} {RecomputeNames.Format(Recompute)}{(RecomputeLayers > 0 && Recompute == Recompute.Full ? $" ({RecomputeLayers} layers)" : "")}";
}
