using Augur.CostModels.Communication;
using Augur.CostModels.Inference;
using Augur.Domain.Models;

namespace Augur.CostModels.Rl;

/// <summary>
/// A weight update that exports whole tensors (<c>trainer.gather_weights</c>), as NeMo-RL refits a Megatron trainer:
/// for each parameter Megatron-Bridge's export gathers its tensor-parallel slices, broadcasts it from the pipeline stage
/// that holds it, and all-gathers a routed expert's shards over the expert-parallel group, so every trainer rank ends with
/// the full tensors (NVIDIA-NeMo/Megatron-Bridge src/megatron/bridge/models/conversion/model_bridge.py
/// <c>stream_weights_megatron_to_hf</c> @ 0350b4ef; NeMo-RL v0.3.0's own loop, nemo_rl/models/megatron/refit_utils.py
/// <c>gather_params</c> @ b1c86a8, runs the same three collectives per parameter). Colocated, each rank hands the tensors
/// to the vLLM worker on its own GPU through CUDA IPC; otherwise one trainer rank broadcasts the whole model over NCCL to
/// every generator GPU, packed into two buffers so export and broadcast overlap (NeMo-RL grpo.py
/// <c>refit_policy_generation</c>, utils/packed_tensor.py @ 66059ab4d). Either way the host then works through the
/// tensors one by one (<see cref="HostSeconds"/>).
/// </summary>
public static class RlRefit
{
    public static (double Seconds, string Tier) Gathered(in Fabric fabric, RlGeneration gen, RlTraining train, bool colocated)
    {
        double host = HostSeconds(gen.Model.Model);
        var (export, crosses) = Export(fabric, train, gen.Model);
        if (colocated) return (export + host, crosses ? "scale-out" : "scale-up");
        double model = WholeModel(gen);
        bool across = gen.Layout.Gpus + train.Update.Layout.Gpus > fabric.DomainSize;
        return (Math.Max(export, Broadcast(fabric, model, across)) + host, across || crosses ? "scale-out" : "scale-up");
    }

    /// <summary>The bytes of the whole model a gathered refit moves: the generator's weights unsharded.</summary>
    public static double WholeModel(RlGeneration gen) => gen.Model.WeightsPerGpu(new InferenceLayout(1, 1, 1, 1, 1)).Value;

    /// <summary>
    /// Every trainer rank gathers the whole model (<see cref="RlRefit"/>): over the pipeline group each rank receives the
    /// other stages' tensors as their owners hold them, the dense part whole and the routed experts as one expert-parallel
    /// shard, (p − 1)/p of D + E/ep (Megatron places pipeline ranks outermost, tp·cp·dp apart); then the routed experts of
    /// every stage are all-gathered over the expert-parallel group (etp apart), E on every rank, which a scale-up domain
    /// takes in once and shares over its own links; the dense part's tensor-parallel slices of its own stage, D/p, inside
    /// the tensor-parallel group.
    /// </summary>
    public static (double Seconds, bool Crosses) Export(in Fabric fabric, RlTraining train, InferenceModel model)
    {
        var l = train.Update.Layout;
        int p = l.Pp, ep = Math.Max(1, l.Ep);
        double experts = model.RoutedExpertWeights.Value, dense = model.WeightsPerGpu(new InferenceLayout(1, 1, 1, 1, 1)).Value - experts;
        double seconds = Collectives.AllGather(fabric, dense + experts / ep, p, l.Gpus / p)
                         + Collectives.AllGather(fabric, dense / p, l.Tp, 1)
                         + Collectives.AllGather(fabric, experts, ep, Math.Max(1, l.Etp));
        bool crosses = (p > 1 && fabric.MembersPerDomain(p, l.Gpus / p) < p)
                       || (ep > 1 && experts > 0 && fabric.MembersPerDomain(ep, Math.Max(1, l.Etp)) < ep)
                       || l.Tp > fabric.DomainSize;
        return (seconds, crosses);
    }

    /// <summary>
    /// The host's work through a refit, one tensor at a time: packing each into the IPC buffer and its name into the
    /// handle's metadata, handing it over, and vLLM's <c>load_weights</c> placing it in the generator's shard. NeMo-RL's
    /// refit of DeepSeek-V3 (trainer EP64 PP8, generators TP64, v0.3) measured 33.5 s handing the tensors over and 1.5 s
    /// updating, against 12.2 s gathering them (speed of light 3.3 s, 0 s and 0.01 s: NVIDIA-NeMo/RL blog "Journey of
    /// Optimizing Weight Transfer in Large MoE Models by 10x", 2025-08-12, Table 1). The 35.0 s of host work over
    /// DeepSeek-V3's 45,337 tensors (<see cref="Tensors"/>) is 0.772 ms per tensor; the gather stays on the fabric
    /// (<see cref="Export"/>). The same pass serves a broadcast refit, whose export and load walk the same tensors.
    /// </summary>
    public static double HostSeconds(ModelSpec m) => Tensors(m) * HostPerTensor;

    /// <summary>Host time per exported tensor: 35.0 s / 45,337 (see <see cref="HostSeconds"/>).</summary>
    public const double HostPerTensor = 35.0 / 45_337;

    /// <summary>
    /// The tensors of a HuggingFace checkpoint of <paramref name="m"/>, the unit a refit exports and loads: per layer its
    /// attention projections (q, k, v, o; MLA's q_a, q_a_norm, q_b or q, kv_a, kv_a_norm, kv_b, o) and two norms; a dense
    /// MLP's two or three matrices; an MoE layer's router, every routed expert's matrices and the shared experts' (stored as
    /// one MLP); the embedding, the final norm and an untied LM head.
    /// </summary>
    public static int Tensors(ModelSpec m)
    {
        int mlp = m.GatedMlp ? 3 : 2;
        int attention = m.Mla is { } mla ? (mla.QLoraRank > 0 ? 3 : 1) + 4 : 4;
        int moeLayers = m.MoeLayers;
        int moe = m.Moe is { } e ? 1 + e.Experts * mlp + (e.SharedExperts > 0 ? mlp : 0) : 0;
        return m.Layers * (attention + 2) + m.DenseLayers * mlp + moeLayers * moe + 2 + (m.TiedEmbeddings ? 0 : 1);
    }

    /// <summary>
    /// A ring broadcast of the whole model to every generator GPU: each scale-up domain takes it in once, split over its
    /// GPUs' NICs (one channel per NIC), and passes it on over scale-up, so a receiver gets it at the lesser of its
    /// scale-up rate and the domain's scale-out rate (derived from NCCL's ring broadcast).
    /// </summary>
    public static double Broadcast(in Fabric fabric, double model, bool across)
    {
        var up = fabric.ScaleUp;
        if (!across) return model / up.BytesPerSecond + up.LatencySeconds;
        double rate = Math.Min(up.BytesPerSecond, fabric.DomainSize * fabric.ScaleOut.BytesPerSecond);
        return model / rate + fabric.ScaleOut.LatencySeconds;
    }
}
