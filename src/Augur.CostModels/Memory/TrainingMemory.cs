using Augur.Domain.Hardware;
using Augur.CostModels.Analysis;
using Augur.CostModels.Compute;
using Augur.CostModels.Operators;
using Augur.Domain.Models;
using Augur.Domain.Parallelism;
using Augur.Domain.Workloads;
using Augur.Units;

namespace Augur.CostModels.Memory;

/// <summary>
/// Peak memory per GPU in training (docs/FORMULAS.md §2). Model states are the buffers of Megatron-core's (distributed)
/// optimizer, Megatron-LM README "Distributed Optimizer" table: bf16 weights with fp32 main gradients and 12 bytes of
/// Adam state (fp32 master, momentum, variance), 18 bytes/parameter unsharded and 6 + 12/d distributed, which reproduces
/// Korthikanti et al. 2022 Fig. 1 (45.6 GiB for 22B and 175B on 8-way TP); fp16 weights with fp16 gradients, whose
/// optimizer keeps an fp32 copy of the gradients beside the master weights, 20 bytes and 4 + 16/d. ZeRO shards over the DP×CP group (experts over their expert-DP group): stage 1 the optimizer,
/// 2 also gradients, 3 also weights (plus two layers of gathered weights). FP8/FP4 training keeps layer weights only
/// quantized, in two copies, and GEMM inputs quantized (<see cref="ActivationMemory.SavedGemmInputBytes"/>).
/// Gradient buffers follow <see cref="TrainingJob.GradientPrecision"/>: 16-bit buffers (Megatron-Bridge's performance recipes set
/// <c>grad_reduce_in_fp32 = False</c>) halve the gradients, and the optimizer then keeps an fp32 copy of its gradient shard
/// beside the master weights, the README table's fp16 row (4 + 16/d). Activations of <see cref="TrainingJob.OffloadLayers"/>
/// layers wait in host memory (<see cref="OffloadedLayers"/>), and the <see cref="TrainingJob.OptimizerOffload"/> share of the
/// optimizer lives there (Megatron-core's HybridDeviceOptimizer).
/// The peak is that of the most loaded pipeline stage: the first (the embedding, the most micro-batches in flight)
/// or the last (the output layer and its logits, and the <see cref="TrainingJob.MtpLayers"/> multi-token-prediction
/// depths with their own layer, logits and embedding copy), each with the layers <see cref="PipelineSplit"/> gives it.
/// </summary>
public static class TrainingMemory
{
    public const double WeightBytes = 2;

    /// <summary>
    /// Gradient buffer bytes per parameter: the job's gradient precision, else fp16 in fp16 training and fp32 main
    /// gradients in bf16 (and FP8/FP4, bf16 recipes) training.
    /// </summary>
    public static double GradientBytes(TrainingJob job) =>
        (job.GradientPrecision ?? (job.Precision == Precision.FP16 ? Precision.FP16 : Precision.FP32)) == Precision.FP32 ? 4 : 2;

    /// <summary>
    /// Optimizer bytes per parameter: fp32 master, momentum, variance, and with 16-bit gradients an fp32 copy of them; with
    /// bf16 optimizer state (<see cref="TrainingJob.OptimizerPrecision"/>) the two bf16 moments alone, the parameter being
    /// its own master.
    /// </summary>
    public static double OptimizerBytes(TrainingJob job) => job.OptimizerPrecision == Precision.BF16 ? 4 : GradientBytes(job) < 4 ? 16 : 12;

    /// <summary>
    /// The share of the parameters with gradients and optimizer state: under LoRA the adapters' (rank·(d_in + d_out) per
    /// targeted layer, every layer) over the model's, else all. Applied evenly across stages and shards: the adapters
    /// follow the layers.
    /// </summary>
    public static double TrainableShare(ModelSpec m, in ParameterCount pc, TrainingJob job) =>
        job.Lora is { } lora ? Math.Min(1, lora.ParametersPerLayer(m) * m.Layers / pc.Total) : 1;

    /// <summary>
    /// Bytes per parameter the gradients are held in: their buffer's precision, or the parameter's bf16 when the optimizer
    /// keeps no master (FSDP2 casts a reduced gradient back to the sharded parameter's type, whatever it reduced in).
    /// </summary>
    public static double GradientStorageBytes(TrainingJob job) => job.OptimizerPrecision == Precision.BF16 ? 2 : GradientBytes(job);

    /// <summary>
    /// Layers of a micro-batch whose activations are out of HBM at the forward's end: Megatron-core offloads the saved
    /// tensors of the first <c>cpu_offloading_num_layers</c> layers through Transformer Engine's CPU-offload context, which
    /// overlaps each copy with the next layers' compute (TE docs, features/other_optimizations/cpu_offloading) and so keeps
    /// one offloaded layer in transit on the GPU. Only without pipeline parallelism (Megatron-Bridge docs, training/cpu-offloading:
    /// "PP must be 1").
    /// </summary>
    public static double OffloadedLayers(TrainingJob job, in ParallelLayout l) =>
        l.Pp == 1 && job.OffloadLayers > 0 ? job.OffloadLayers - 1 : 0;

    /// <summary>
    /// Activation bytes of one micro-batch that travel to host memory and back (one direction), per GPU: the offloaded
    /// layers' activations, or under a MaxText remat policy the tensors it offloads from each of the first stage's layers
    /// (as many as <see cref="PipelineSplit"/> gives it, the split the memory model holds).
    /// </summary>
    public static double OffloadBytes(ModelSpec m, TrainingJob job, in ParallelLayout l)
    {
        double tokens = (double)l.MicroBatch * job.SeqLen / l.Cp;
        if (job.Remat is { Offloads: true })
        {
            return OffloadedPerLayer(m, job, l, tokens) * PipelineSplit.Of(m.Layers, l.Pp, l.Vp).FirstStageLayers;
        }
        if (l.Pp != 1 || job.OffloadLayers == 0) return 0;
        var act = LayerActivations.Of(m, job, l, tokens);
        return job.OffloadLayers * AverageLayer(act, m.Layers, m.MoeLayers);
    }

    /// <summary>Bytes an average layer of one micro-batch sends to host memory under the job's remat policy.</summary>
    static double OffloadedPerLayer(ModelSpec m, TrainingJob job, in ParallelLayout l, double tokens)
    {
        if (job.Remat is not { } p) return 0;
        double rows = m.Moe is { } moe ? ExpertCapacity.RowsPerToken(moe, job) * l.Etp / l.Tp : 0;
        double dense = tokens * RematMemory.PerToken(m, l, p, RematChoice.Offload, false, 0);
        double moeLayer = m.Moe is null ? 0 : tokens * RematMemory.PerToken(m, l, p, RematChoice.Offload, true, rows);
        return AverageLayer(dense, moeLayer, m.Layers, m.MoeLayers);
    }

    /// <summary>
    /// Bytes per logit the loss holds: Megatron's cross entropy takes fp32 logits; TransformerEngine's fused one
    /// (<see cref="TrainingJob.FusedCrossEntropy"/>) reads the 16-bit logits and writes their gradient over them in place
    /// (transformer_engine/pytorch/triton/cross_entropy.py, cross_entropy_backward_kernel), keeping 3 fp32 values per token.
    /// </summary>
    public static double LogitBytes(TrainingJob job) => job.FusedCrossEntropy ? 2 : 4;

    public static MemoryBreakdown Estimate(ModelSpec m, in ParameterCount pc, TrainingJob job, ParallelLayout l,
        HardwareCalibration cal, int microBatches) =>
        Held(Stages(m, pc, job, l, cal, microBatches), l, cal);

    /// <summary>
    /// The same, with the stages' contents before ZeRO sharding taken from <paramref name="reuse"/> when it holds this
    /// layout's (layouts that differ only in their ZeRO stage share them), else worked out and kept there. A
    /// <paramref name="reuse"/> serves one model, job and calibration.
    /// </summary>
    public static MemoryBreakdown Estimate(ModelSpec m, in ParameterCount pc, TrainingJob job, ParallelLayout l,
        HardwareCalibration cal, int microBatches, ref MemoryReuse reuse)
    {
        if (!reuse.TryGet(l, microBatches, out var stages))
        {
            stages = Stages(m, pc, job, l, cal, microBatches);
            reuse.Keep(stages);
        }
        return Held(stages, l, cal);
    }

    /// <summary>The peak of the most loaded stage of <paramref name="stages"/> at the layout's ZeRO stage.</summary>
    static MemoryBreakdown Held(in StageLoads stages, in ParallelLayout l, HardwareCalibration cal)
    {
        var first = Held(stages.First, l.Zero, stages, cal);
        if (l.Pp == 1) return first;
        var last = Held(stages.Last, l.Zero, stages, cal);
        return last.Total > first.Total ? last : first;
    }

    /// <summary>The first and last pipeline stages' contents (one stage without pipeline parallelism).</summary>
    static StageLoads Stages(ModelSpec m, in ParameterCount pc, TrainingJob job, ParallelLayout l, HardwareCalibration cal, int microBatches)
    {
        var split = PipelineSplit.Of(m.Layers, l.Pp, l.Vp);
        double tokens = (double)l.MicroBatch * job.SeqLen / l.Cp;
        var act = LayerActivations.Of(m, job, l, tokens);
        // Full recomputation of some layers of each chunk (recompute_layers): the rest keep all they save.
        if (l.RecomputeLayers > 0 && l.RecomputeShare(split.FirstChunkLayers) is > 0 and < 1 and var share)
            act = act.Mixed(LayerActivations.Of(m, job, l with { Recompute = Recompute.None, RecomputeLayers = 0 }, tokens), share);
        double firstInFlight = split.FirstInFlight(l.Pp, l.Vp, microBatches);
        // The last rank also keeps one micro-batch's logits, once more per multi-token-prediction depth.
        int mtp = job.MtpLayers, mtpMoe = m.MtpMoeLayers(mtp);
        // One chunk's logits at a time when the loss tiles them (num_vocab_tiling).
        double logits = (1 + mtp) * LogitBytes(job) * tokens * m.Vocab / l.Tp / job.LogitChunks;
        // Overlapping the expert all-to-all runs one micro-batch's forward beside another's backward. With pipelining
        // Megatron-core's schedules.py adds one warm-up forward: one more micro-batch of a chunk in flight. Without it the
        // pair walks the layers in opposite directions, forward layer i beside the backward of the previous micro-batch's
        // last unfinished layer (combined_1f1b.py combined_1f1b_schedule_for_no_pipelining; model_chunk_schedule_plan.py
        // get_layer(i) / pop_layer() @ NVIDIA/Megatron-LM e5ad09802d), so the two hold one micro-batch and one layer.
        double overlapFirst = !l.OverlapExperts ? 0 : l.Pp == 1 ? 1 : split.FirstChunkLayers, overlapLast = l.OverlapExperts ? split.LastChunkLayers : 0;
        double trainable = TrainableShare(m, pc, job);
        var loads = new StageLoads
        {
            Layout = StageLoads.KeyOf(l), MicroBatches = microBatches, Kept = true, GradientBytes = GradientStorageBytes(job) * trainable,
            OptimizerBytes = OptimizerBytes(job) * (1 - job.OptimizerOffload) * trainable, ShardedMaster = job.OptimizerPrecision == Precision.BF16,
        };
        // LoRA's frozen base held in FP8 once (NeMo's fp8_params with the transpose cache off); the adapters are negligible beside it.
        bool frozenFp8 = job.Lora is { Fp8BaseWeights: true };
        if (l.Pp == 1)
            return loads with { First = Stage(pc, l, cal, act, split.FirstStageLayers + mtp, MoeIn(m, split.FirstStageLayers) + mtpMoe, pc.Embedding + pc.LmHead + pc.FinalNorm + mtp * MtpEdgeParameters(m),
                firstInFlight - OffloadedLayers(job, l) + mtp + overlapFirst, logits + 4.0 * tokens * m.Hidden, frozenFp8) };
        return loads with
        {
            First = Stage(pc, l, cal, act, split.FirstStageLayers, MoeIn(m, split.FirstStageLayers), pc.Embedding, firstInFlight + overlapFirst, 0, frozenFp8),
            Last = Stage(pc, l, cal, act, split.LastStageLayers + mtp, MoeIn(m, split.LastStageLayers) + mtpMoe,
                pc.LmHead + pc.FinalNorm + (mtp > 0 ? pc.Embedding + mtp * MtpEdgeParameters(m) : 0),
                split.LastInFlight(l.Pp, l.Vp, microBatches) + mtp + overlapLast, logits, frozenFp8),
        };
    }

    /// <summary>
    /// Parameters of one multi-token-prediction depth besides its transformer layer (DeepSeek-V3 §2.2): the projection of the
    /// concatenated hidden state and next-token embedding (2d·d) and its three RMSNorms (hidden, embedding, output: 3d). Its
    /// layer is one more layer of the model's kind on the last stage, which also builds the embedding the depth looks up
    /// (Megatron-core GPTModel: "if self.pre_process or self.mtp_process: self.embedding = ...").
    /// </summary>
    public static double MtpEdgeParameters(ModelSpec m) => 2.0 * m.Hidden * m.Hidden + 3.0 * m.Hidden;

    /// <summary>MoE layers among a stage's <paramref name="layers"/> model layers: as many as the model has (they are counted first).</summary>
    static double MoeIn(ModelSpec m, double layers) => Math.Min(layers, m.MoeLayers);

    /// <summary>
    /// One pipeline stage of <paramref name="layers"/> layers (<paramref name="moeLayers"/> of them MoE layers, its
    /// multi-token-prediction layers of the model's last layer's kind among them) and <paramref name="edges"/>
    /// embedding/head parameters, before ZeRO.
    /// </summary>
    /// <param name="inFlight">Layer activations it holds at its peak, in layers × micro-batches.</param>
    static StageLoad Stage(in ParameterCount pc, ParallelLayout l, HardwareCalibration cal,
        in LayerActivations act, double layers, double moeLayers, double edges, double inFlight, double logits, bool frozenFp8)
    {
        var stage = pc.StageOf(layers, moeLayers, edges);
        double denseLayers = layers - moeLayers;
        // FP8/FP4 training keeps each layer weight only quantized: Megatron-Bridge's FP8 (current scaling, MXFP8) and NVFP4
        // recipes set fp8_param_gather / fp4_param_gather (mixed_precision.py), Megatron's "keep the compute param in fp8 (do
        // not use any other intermediate dtype)", the fp32 master living in the optimizer. Two copies are held for the step:
        // the row-wise one the forward GEMM reads and the transposed (Hopper FP8) or column-wise (MXFP8, NVFP4) one the
        // input-gradient GEMM reads. The embedding and output layer stay 16-bit (PrecisionRules.LmHead).
        double g = act.GemmInputBytes;
        double perLayer = AverageLayer(act, layers, moeLayers);
        // The layer being recomputed holds what it rebuilds once (the larger of a dense and an MoE layer's).
        double activations = perLayer * inFlight
            + Math.Max(denseLayers > 0 ? act.RebuiltDense : 0, moeLayers > 0 ? act.RebuiltMoe : 0);
        return new StageLoad
        {
            EdgesPerGpu = stage.Edges / l.Tp, LayersPerGpu = stage.LayersPerGpu(l.Tp),
            Dense = stage.SharedPerGpu(l.Tp), Experts = stage.RoutedPerGpu(l.Ep, l.Etp),
            DenseShards = l.DataShards, ExpertShards = Math.Max(1, l.ExpertDp),
            LayerWeightBytes = frozenFp8 ? 1 : g < WeightBytes ? 2 * g : WeightBytes,
            // ZeRO-3 also holds two layers of gathered weights: a routed expert's too when its shards span expert-DP ranks
            // (FSDP over experts without expert parallelism gathers every expert of the layer on every rank).
            GatheredWeights = 2 * WeightBytes * (pc.AttentionPerGpu(l.Tp) + Math.Max(pc.DenseMlpPerLayer, pc.SharedExpertsPerMoeLayer) / l.Tp
                + (moeLayers > 0 && l.ExpertDp > 1 ? pc.RoutedExpertsPerMoeLayer / ((double)l.Ep * l.Etp) : 0)),
            Activations = activations * (1 + cal.Fragmentation), Logits = logits,
        };
    }

    /// <summary>What a stage holds per GPU at ZeRO stage <paramref name="zero"/>: 1 shards the optimizer, 2 also gradients, 3 also weights.</summary>
    static MemoryBreakdown Held(in StageLoad s, int zero, in StageLoads job, HardwareCalibration cal)
    {
        double weights = WeightBytes * Shard(s.EdgesPerGpu, s.DenseShards, zero >= 3)
            + s.LayerWeightBytes * (Shard(s.LayersPerGpu, s.DenseShards, zero >= 3) + Shard(s.Experts, s.ExpertShards, zero >= 3));
        if (zero >= 3) weights += s.GatheredWeights;
        double grads = job.GradientBytes * (Shard(s.Dense, s.DenseShards, zero >= 2) + Shard(s.Experts, s.ExpertShards, zero >= 2));
        // A bf16 parameter that is its own master is the weights' shard under ZeRO-3; at ZeRO 1 and 2 (FSDP2 kept unsharded
        // after the forward) the shard is held beside the unsharded weights.
        double perParam = job.OptimizerBytes + (job.ShardedMaster && zero is 1 or 2 ? WeightBytes : 0);
        double optimizer = perParam * (Shard(s.Dense, s.DenseShards, zero >= 1) + Shard(s.Experts, s.ExpertShards, zero >= 1));
        return new MemoryBreakdown(new Bytes(weights), new Bytes(grads), new Bytes(optimizer),
            new Bytes(s.Activations), new Bytes(s.Logits), Bytes.Zero, cal.RuntimeReserve);
    }

    /// <summary>Activation bytes of an average layer among <paramref name="layers"/>, <paramref name="moeLayers"/> of them MoE layers.</summary>
    static double AverageLayer(in LayerActivations act, double layers, double moeLayers) => AverageLayer(act.Dense, act.Moe, layers, moeLayers);

    static double AverageLayer(double dense, double moe, double layers, double moeLayers) =>
        layers > 0 ? ((layers - moeLayers) * dense + moeLayers * moe) / layers : 0;

    /// <summary>What one layer of each kind keeps per micro-batch, and what recomputing it rebuilds at once; the same on every stage.</summary>
    readonly record struct LayerActivations(double GemmInputBytes, double Dense, double Moe, double RebuiltDense, double RebuiltMoe)
    {
        /// <summary>These in a <paramref name="share"/> of the layers and <paramref name="kept"/>'s in the rest; the layer being rebuilt stays these'.</summary>
        public LayerActivations Mixed(in LayerActivations kept, double share) =>
            this with { Dense = Dense * share + kept.Dense * (1 - share), Moe = Moe * share + kept.Moe * (1 - share) };

        public static LayerActivations Of(ModelSpec m, TrainingJob job, ParallelLayout l, double tokens)
        {
            var saved = ActivationMemory.Saved.Of(job);
            double g = saved.GemmInputBytes;
            double visits = m.Moe is { } moe ? ExpertCapacity.RowsPerToken(moe, job) * l.Etp / l.Tp : 0;
            if (job.Remat is { } p)
            {
                // A MaxText policy keeps its device tensors; the layer in its backward holds the rest of its working set
                // once: its offloaded tensors back from the host (one layer's in transit), the others rebuilt.
                var all = l with { Recompute = Recompute.Selective };
                double keptDense = tokens * RematMemory.PerToken(m, l, p, RematChoice.Device, false, 0);
                double keptMoe = m.Moe is null ? 0 : tokens * RematMemory.PerToken(m, l, p, RematChoice.Device, true, visits);
                double transit = OffloadedPerLayer(m, job, l, tokens);
                double wholeDense = ActivationMemory.LayerBytes(m, all, tokens, job.SeqLen, job.AttentionKernel, false, 0, g);
                double wholeMoe = m.Moe is null ? 0 : ActivationMemory.LayerBytes(m, all, tokens, job.SeqLen, job.AttentionKernel, true, visits, g);
                return new(g, keptDense, keptMoe, Math.Max(transit, wholeDense - keptDense), m.Moe is null ? 0 : Math.Max(transit, wholeMoe - keptMoe));
            }
            double dense = ActivationMemory.LayerBytes(m, l, tokens, job.SeqLen, job.AttentionKernel, false, 0, saved);
            double moeAct = m.Moe is null ? 0 : ActivationMemory.LayerBytes(m, l, tokens, job.SeqLen, job.AttentionKernel, true, visits, saved);
            double rebuiltDense = 0, rebuiltMoe = 0;
            if ((l.Recompute & ~Recompute.Selective) != 0)
            {
                // Its whole working set under full recompute, the recomputed modules' tensors otherwise.
                var whole = l with { Recompute = l.Recompute == Recompute.Full ? Recompute.Selective : l.Recompute & Recompute.Selective };
                bool full = l.Recompute == Recompute.Full;
                rebuiltDense = ActivationMemory.LayerBytes(m, whole, tokens, job.SeqLen, job.AttentionKernel, false, 0, saved) - (full ? 0 : dense);
                if (m.Moe is not null)
                    rebuiltMoe = ActivationMemory.LayerBytes(m, whole, tokens, job.SeqLen, job.AttentionKernel, true, visits, saved) - (full ? 0 : moeAct);
            }
            return new(g, dense, moeAct, rebuiltDense, rebuiltMoe);
        }
    }

    static double Shard(double parameters, double shards, bool sharded) => sharded ? parameters / shards : parameters;
}
