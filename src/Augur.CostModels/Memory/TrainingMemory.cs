using Augur.Domain.Hardware;
using Augur.CostModels.Analysis;
using Augur.CostModels.Compute;
using Augur.Domain.Models;
using Augur.Domain.Parallelism;
using Augur.Domain.Workloads;
using Augur.Units;

namespace Augur.CostModels.Memory;

/// <summary>
/// Peak memory per GPU in training (docs/FORMULAS.md §2). Model states follow Megatron-core mixed precision:
/// 2-byte weights, 4-byte fp32 main gradients and 12 bytes of Adam state (fp32 master, momentum, variance):
/// 18 bytes/parameter unsharded, which reproduces Korthikanti et al. 2022 Fig. 1 (45.6 GiB for 22B and 175B
/// on 8-way TP). ZeRO shards over the DP×CP group (experts over their expert-DP group): stage 1 the optimizer,
/// 2 also gradients, 3 also weights (plus two layers of gathered weights). FP8/FP4 training adds each weight's
/// quantized copy and keeps GEMM inputs quantized (<see cref="ActivationMemory.SavedGemmInputBytes"/>).
/// </summary>
public static class TrainingMemory
{
    public const double WeightBytes = 2, GradientBytes = 4, OptimizerBytes = 12;

    public static MemoryBreakdown Estimate(ModelSpec m, in ParameterCount pc, TrainingJob job, ParallelLayout l,
        HardwareCalibration cal, int microBatches)
    {
        int stageLayers = (m.Layers + l.Pp - 1) / l.Pp;
        int moeLayers = Math.Min(stageLayers, m.MoeLayers);
        int denseLayers = stageLayers - moeLayers;
        var stage = pc.Stage(l.Pp);
        double dense = stage.SharedPerGpu(l.Tp);
        double experts = stage.RoutedPerGpu(l.Ep, l.Etp);

        double denseShards = l.DataShards, expertShards = Math.Max(1, l.ExpertDp);
        // FP8/FP4 training also holds a quantized copy of each layer weight for the step's GEMMs (TransformerEngine: "2 MB
        // (weight) + 1 MB (weight in FP8)" for a 1024×1024 layer; the embedding and output layer stay 16-bit, PrecisionRules.LmHead), and saves
        // the quantized copy of each GEMM input. One copy is counted: Hopper's FP8 transpose and MX/NVFP4's column-wise
        // copy for the input gradient may add a second (an assumption, not measured here).
        double g = ActivationMemory.SavedGemmInputBytes(job.Precision);
        double weights = WeightBytes * (Shard(dense, denseShards, l.Zero >= 3) + Shard(experts, expertShards, l.Zero >= 3));
        if (g < WeightBytes)
            weights += g * (Shard(stage.Layers / l.Tp, denseShards, l.Zero >= 3) + Shard(experts, expertShards, l.Zero >= 3));
        if (l.Zero >= 3)
            weights += 2 * WeightBytes * (pc.AttentionPerLayer + Math.Max(pc.DenseMlpPerLayer, pc.SharedExpertsPerMoeLayer)) / l.Tp;
        double grads = GradientBytes * (Shard(dense, denseShards, l.Zero >= 2) + Shard(experts, expertShards, l.Zero >= 2));
        double optimizer = OptimizerBytes * (Shard(dense, denseShards, l.Zero >= 1) + Shard(experts, expertShards, l.Zero >= 1));

        double tokens = (double)l.MicroBatch * job.SeqLen / l.Cp;
        double visits = m.Moe is { } moe ? moe.TopK * (double)l.Etp / l.Tp : 0;
        double denseAct = ActivationMemory.LayerBytes(m, l, tokens, job.SeqLen, job.AttentionKernel, false, 0, g);
        double moeAct = m.Moe is null ? 0 : ActivationMemory.LayerBytes(m, l, tokens, job.SeqLen, job.AttentionKernel, true, visits, g);
        double perMicroBatch = denseLayers * denseAct + moeLayers * moeAct;
        double activations = perMicroBatch * ActivationMemory.InFlightFactor(l.Pp, l.Vp, microBatches);
        if ((l.Recompute & ~Recompute.Selective) != 0)
        {
            // The layer being recomputed holds what it rebuilds once: its whole working set under full recompute,
            // the recomputed modules' tensors otherwise (the larger of a dense and an MoE layer's).
            var whole = l with { Recompute = l.Recompute == Recompute.Full ? Recompute.Selective : l.Recompute & Recompute.Selective };
            double Rebuilt(bool moeLayer, double v) =>
                ActivationMemory.LayerBytes(m, whole, tokens, job.SeqLen, job.AttentionKernel, moeLayer, v, g)
                - (l.Recompute == Recompute.Full ? 0 : ActivationMemory.LayerBytes(m, l, tokens, job.SeqLen, job.AttentionKernel, moeLayer, v, g));
            activations += Math.Max(denseLayers > 0 ? Rebuilt(false, 0) : 0, moeLayers > 0 ? Rebuilt(true, visits) : 0);
        }
        // Logits of one micro-batch in fp32 on the last stage (counted on the peak stage when pp = 1), plus the embedding output.
        double logits = l.Pp == 1 ? 4.0 * tokens * ((double)m.Vocab / l.Tp + m.Hidden) : 0;
        return new MemoryBreakdown(new Bytes(weights), new Bytes(grads), new Bytes(optimizer),
            new Bytes(activations * (1 + cal.Fragmentation)), new Bytes(logits), Bytes.Zero, cal.RuntimeReserve);
    }

    static double Shard(double parameters, double shards, bool sharded) => sharded ? parameters / shards : parameters;
}
