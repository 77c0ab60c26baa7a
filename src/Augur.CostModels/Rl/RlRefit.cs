using Augur.CostModels.Communication;
using Augur.CostModels.Inference;

namespace Augur.CostModels.Rl;

/// <summary>
/// A weight update that exports whole tensors (<c>trainer.gather_weights</c>), as NeMo-RL refits a Megatron trainer:
/// Megatron-Bridge's export gathers each parameter from its tensor and expert shards and broadcasts it from the
/// pipeline stage that holds it, so every trainer rank receives the full tensors (NVIDIA-NeMo/Megatron-Bridge
/// src/megatron/bridge/models/conversion/model_bridge.py <c>stream_weights_megatron_to_hf</c> @ 0350b4ef; NeMo-RL sizes
/// each refit tensor as its local shard × tp × ep on every pipeline rank, megatron_policy_worker.py
/// <c>_calculate_refit_param_info</c> @ 66059ab4d). Colocated, each rank hands the tensors to the vLLM worker on its own
/// GPU through CUDA IPC; otherwise one trainer rank broadcasts the whole model over NCCL to every generator GPU, packed
/// into two buffers so export and broadcast overlap (NeMo-RL grpo.py <c>refit_policy_generation</c>,
/// utils/packed_tensor.py, same commit).
/// </summary>
public static class RlRefit
{
    public static (double Seconds, string Tier) Gathered(in Fabric fabric, RlGeneration gen, RlTraining train, bool colocated)
    {
        double model = WholeModel(gen);
        var (export, crosses) = Export(fabric, train, model);
        if (colocated) return (export, crosses ? "scale-out" : "scale-up");
        bool across = gen.Layout.Gpus + train.Update.Layout.Gpus > fabric.DomainSize;
        return (Math.Max(export, Broadcast(fabric, model, across)), across || crosses ? "scale-out" : "scale-up");
    }

    /// <summary>The bytes of the whole model a gathered refit moves: the generator's weights unsharded.</summary>
    public static double WholeModel(RlGeneration gen) => gen.Model.WeightsPerGpu(new InferenceLayout(1, 1, 1, 1, 1)).Value;

    /// <summary>
    /// Every trainer rank gathers the whole model of <paramref name="model"/> bytes: the other pipeline stages' share
    /// (p − 1)/p over the pipeline group (Megatron places pipeline ranks outermost, tp·cp·dp apart), and its own stage's
    /// M/p from the ≈ M/(p·w) shards of it that the stage's ranks hold (w = weights per GPU).
    /// </summary>
    public static (double Seconds, bool Crosses) Export(in Fabric fabric, RlTraining train, double model)
    {
        var l = train.Update.Layout;
        int p = l.Pp, stride = l.Gpus / p;
        double stage = model / p;
        int shards = Math.Max(1, (int)Math.Round(stage / Math.Max(1.0, train.Update.Memory.Weights.Value)));
        double seconds = Collectives.AllGather(fabric, model, p, stride) + Collectives.AllGather(fabric, stage, shards, 1);
        bool crosses = (p > 1 && fabric.MembersPerDomain(p, stride) < p) || shards > fabric.DomainSize;
        return (seconds, crosses);
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
