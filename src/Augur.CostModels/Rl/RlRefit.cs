using Augur.CostModels.Analysis;
using Augur.CostModels.Communication;
using Augur.Domain.Models;

namespace Augur.CostModels.Rl;

/// <summary>
/// A weight update that exports whole tensors (<c>trainer.gather_weights</c>), as NeMo-RL refits a Megatron trainer:
/// for each parameter Megatron-Bridge's export gathers its tensor-parallel slices, broadcasts it from the pipeline stage
/// that holds it, and all-gathers a routed expert's shards over the expert-parallel group, so every trainer rank ends with
/// the full tensors (NVIDIA-NeMo/Megatron-Bridge src/megatron/bridge/models/conversion/model_bridge.py
/// <c>stream_weights_megatron_to_hf</c> @ 0350b4ef; NeMo-RL v0.3.0's own loop, nemo_rl/models/megatron/refit_utils.py
/// <c>gather_params</c> @ b1c86a8, runs the same three collectives per parameter). The tensors travel in BF16, the
/// trainer's weights, whatever the generators store. Colocated, each rank hands the tensors to the vLLM worker on its own
/// GPU through CUDA IPC, and the host works through them one by one (<see cref="HostSeconds"/>); otherwise one trainer
/// rank broadcasts the whole model over NCCL to every generator GPU, its parameter iteration overlapped with the
/// broadcast (NeMo-RL grpo.py <c>refit_policy_generation</c>, utils/packed_tensor.py @ 66059ab4d; NVIDIA-NeMo/RL PR #1379).
/// </summary>
public static class RlRefit
{
    /// <summary>Bytes per parameter the refit moves: BF16, the trainer's weights (NeMo-RL's FP8 recipes hand over BF16 too).</summary>
    public const double ExportBytes = 2;

    /// <summary>
    /// The refit's time and the host pass inside it: colocated, the export and then the host's pass over the tensors, or,
    /// double-buffered in buckets of <paramref name="bucketBytes"/> (<see cref="Domain.Workloads.RlTrainer.RefitOverlap"/>),
    /// a two-stage pipeline of the trainer's export and hand-over and the engine's update (<see cref="Pipelined"/>,
    /// <see cref="UpdatePerTensor"/>); otherwise the slower of the export and the broadcast to
    /// the generators.
    /// </summary>
    public static (double Seconds, double Host, string Tier) Gathered(in Fabric fabric, RlGeneration gen, RlTraining train, bool colocated, double? bucketBytes = null)
    {
        var m = gen.Model.Model;
        var (export, crosses) = Export(fabric, train, m);
        if (colocated)
        {
            double host = HostSeconds(m);
            // Double-buffered, the engine's load of one bucket runs while the trainer exports and hands over the next.
            double update = Tensors(m) * UpdatePerTensor;
            double seconds = bucketBytes is { } bucket
                ? Pipelined(export + host - update, update, Buckets(WholeModel(m), bucket))
                : export + host;
            return (seconds, host, crosses ? "scale-out" : "scale-up");
        }
        bool across = gen.Layout.Gpus + train.Update.Layout.Gpus > fabric.DomainSize;
        return (Math.Max(export, Broadcast(fabric, WholeModel(m), across)), 0, across || crosses ? "scale-out" : "scale-up");
    }

    /// <summary>
    /// Two stages over n equal buckets, each stage taking the next bucket as soon as it is done with the last and the
    /// other stage has freed its buffer: the slower stage's whole time plus one bucket of the faster one's.
    /// </summary>
    public static double Pipelined(double first, double second, int buckets) =>
        Math.Max(first, second) + Math.Min(first, second) / Math.Max(1, buckets);

    /// <summary>Buckets of at most <paramref name="bucket"/> bytes that carry <paramref name="model"/> bytes (at least one).</summary>
    public static int Buckets(double model, double bucket) =>
        bucket <= 0 ? 1 : (int)Math.Clamp(Math.Ceiling(model / bucket), 1, int.MaxValue);

    /// <summary>
    /// NeMo-RL's double-buffered hand-over: 30% of the GPU's free memory (NRL_REFIT_BUFFER_MEMORY_RATIO's default,
    /// nemo_rl/algorithms/grpo.py @ v0.4.0 to v0.7.0) split into two buffers, so each bucket is 15% of it.
    /// </summary>
    public const double BucketShareOfFreeMemory = 0.3 / 2;

    /// <summary>The bytes of the whole model a gathered refit moves, in BF16.</summary>
    public static double WholeModel(ModelSpec m) => ParameterCounter.Count(m).Total * ExportBytes;

    /// <summary>
    /// Every trainer rank gathers the whole model (<see cref="RlRefit"/>), M = D + E with E the routed experts. Each
    /// parameter is broadcast from the stage that owns it over the pipeline group (Megatron places pipeline ranks
    /// outermost, tp·cp·dp apart): a pipelined broadcast costs its bytes at the link's rate whatever the group's size, so
    /// the dense part and one expert-parallel shard of every stage, D + E/ep, pass once. Inside its stage a rank
    /// all-gathers the dense part's tensor slices, D/p over tp, and the experts' slices, E/(ep·p) over etp; then every
    /// stage's routed experts are all-gathered over the expert-parallel group (etp apart), E on every rank, which a
    /// scale-up domain takes in once and shares over its own links.
    /// </summary>
    public static (double Seconds, bool Crosses) Export(in Fabric fabric, RlTraining train, ModelSpec m)
    {
        var l = train.Update.Layout;
        int p = l.Pp, ep = Math.Max(1, l.Ep), etp = Math.Max(1, l.Etp), stageStride = l.Gpus / p;
        var count = ParameterCounter.Count(m);
        double experts = count.RoutedExperts * ExportBytes, dense = count.NonExpert * ExportBytes;
        double seconds = (p > 1 ? Collectives.SendRecv(fabric, dense + experts / ep, stageStride) : 0)
                         + Collectives.AllGather(fabric, dense / p, l.Tp, 1)
                         + Collectives.AllGather(fabric, experts / ((double)ep * p), etp, 1)
                         + Collectives.AllGather(fabric, experts, ep, etp);
        bool crosses = (p > 1 && stageStride >= fabric.DomainSize)
                       || (ep > 1 && experts > 0 && fabric.MembersPerDomain(ep, etp) < ep)
                       || l.Tp > fabric.DomainSize;
        return (seconds, crosses);
    }

    /// <summary>
    /// The host's work through a colocated refit, one tensor at a time: packing each into the CUDA IPC buffer and its name
    /// into the handle's metadata, handing it over, and vLLM's <c>load_weights</c> placing it in the generator's shard.
    /// NeMo-RL's refit of DeepSeek-V3 (trainer EP64 PP8, generators TP64, v0.3) measured 33.5 s handing the tensors over
    /// and 1.5 s updating, against 12.2 s gathering them (speed of light 3.3 s, 0 s and 0.01 s: NVIDIA-NeMo/RL blog
    /// "Journey of Optimizing Weight Transfer in Large MoE Models by 10x", 2025-08-12, Table 1). The 35.0 s of host work
    /// over DeepSeek-V3's tensors as <see cref="Tensors"/> counts them, 45,337, is 0.772 ms per tensor; the gather stays on
    /// the fabric (<see cref="Export"/>). A broadcast refit has no such pass: its parameter iteration runs beside the
    /// broadcast (<see cref="Broadcast"/>).
    /// </summary>
    public static double HostSeconds(ModelSpec m) => Tensors(m) * HostPerTensor;

    /// <summary>Host time per handed-over tensor: 35.0 s / 45,337 (see <see cref="HostSeconds"/>).</summary>
    public const double HostPerTensor = 35.0 / 45_337;

    /// <summary>
    /// The engine's share of the host pass, per tensor: the 1.5 s of DeepSeek-V3's 35.0 s that vLLM spent updating its
    /// weights, the rest being the trainer's hand-over (the refit blog's Table 1, see <see cref="HostSeconds"/>). Only
    /// this share runs beside the trainer when the hand-over is double-buffered.
    /// </summary>
    public const double UpdatePerTensor = 1.5 / 45_337;

    /// <summary>
    /// The tensors of a HuggingFace checkpoint of <paramref name="m"/>, the unit a refit hands over: per layer its attention
    /// projections (q, k, v, o; MLA's q_a, q_a_norm, q_b or q, kv_a, kv_a_norm, kv_b, o), Qwen3's per-head q and k norms,
    /// and two layer norms; a dense MLP's two or three matrices; an MoE layer's router, every routed expert's matrices
    /// (or the two stacked tensors of a checkpoint that stacks them, <see cref="ModelSpec.StackedExperts"/>) and the
    /// shared experts' (stored as one MLP); the embedding, the final norm and an untied LM head. Biases and
    /// linear-attention layers' extra tensors are not counted.
    /// </summary>
    public static int Tensors(ModelSpec m)
    {
        int mlp = m.GatedMlp ? 3 : 2;
        int attention = (m.Mla is { } mla ? (mla.QLoraRank > 0 ? 3 : 1) + 4 : 4) + (m.QkNorm ? 2 : 0);
        int moe = m.Moe is { } e ? 1 + (m.StackedExperts ? 2 : e.Experts * mlp) + (e.SharedExperts > 0 ? mlp : 0) : 0;
        return m.Layers * (attention + 2) + m.DenseLayers * mlp + m.MoeLayers * moe + 2 + (m.TiedEmbeddings ? 0 : 1);
    }

    /// <summary>
    /// A ring broadcast of the whole model from one trainer rank to every generator GPU, over scale-up inside one domain.
    /// Across domains it moves at two NICs' rate: NeMo-RL's packed broadcast refits DeepSeek-V3 (1,342 GB in BF16) in 14 s
    /// and Qwen3-235B-A22B (470 GB) in 5.5 s on H100 with 400 Gb/s NICs (NVIDIA-NeMo/RL PR #1379, merged 2025-10-23, in
    /// r0.4.0 as #1418): 96 and 85 GB/s, about two NICs at NDR's achieved 46-48 GB/s, where a whole node's eight would
    /// give 380.
    /// </summary>
    public static double Broadcast(in Fabric fabric, double model, bool across)
    {
        var up = fabric.ScaleUp;
        if (!across) return model / up.BytesPerSecond + up.LatencySeconds;
        double rate = Math.Min(up.BytesPerSecond, BroadcastNics * fabric.ScaleOut.BytesPerSecond);
        return model / rate + fabric.ScaleOut.LatencySeconds;
    }

    /// <summary>NICs' worth of rate a one-rank broadcast reaches across domains (see <see cref="Broadcast"/>).</summary>
    public const int BroadcastNics = 2;
}
