using Augur.CostModels.Inference;
using Augur.CostModels.Memory;
using Augur.CostModels.Training;
using Augur.Domain.Hardware;
using Augur.Domain.Models;
using Augur.Domain.Parallelism;
using Augur.Domain.Workloads;
using Augur.Units;

namespace Augur.CostModels.Rl;

/// <summary>
/// The generator pool of an RL job as the serving model sees it: its layout, the rollout time, and the memory of the
/// generation phase.
/// </summary>
/// <param name="Model">The serving cost model of the generator pool (the policy at generator precision).</param>
/// <param name="Memory">Per GPU while generating, at the rollout's batch (the colocated trainer's resident weights not included).</param>
/// <param name="PrefillReplicas">Disaggregated: replicas of the pool that prefill (the rest decode); 0 when aggregated.</param>
public sealed record RlGeneration(InferenceModel Model, InferenceLayout Layout, RolloutTime Rollout, MemoryBreakdown Memory, int PrefillReplicas = 0)
{
    /// <summary>A model verifier's reward model, on GPUs of its own or on the generators'; null for other verifiers.</summary>
    public RlReward? Reward { get; init; }

    /// <summary>Weights one generator GPU holds, and so receives at every weight update.</summary>
    public Bytes WeightsPerGpu => Model.WeightsPerGpu(Layout);

    /// <summary>
    /// The serving model of the generator pool on <paramref name="gpus"/> GPUs of <paramref name="cluster"/>. The
    /// engine may use <paramref name="memoryFraction"/> of HBM: less than alone when a colocated trainer keeps its
    /// weights resident.
    /// </summary>
    public static InferenceModel ServingModel(ModelSpec model, Cluster cluster, Precision precision, RlJob job, RlGenerator g, int gpus,
        double memoryFraction, HardwareCalibration cal, ResponseCurve curve) =>
        new(model, cluster with { Gpus = gpus }, JobOf(job, g, memoryFraction, curve), g.Precision ?? precision, cal);

    /// <summary>
    /// The rollout of <paramref name="job"/> on a pool whose layout <see cref="Problem"/> accepted. Disaggregated
    /// without a given split: the prefill replica count that finishes the rollout soonest.
    /// </summary>
    public static RlGeneration Of(InferenceModel inference, RlGenerator g, int gpus, RlJob job, ResponseCurve curve)
    {
        var layout = LayoutOf(g, gpus);
        int prefill = 0;
        RolloutTime rollout;
        if (g.Mode == ServingMode.Disaggregated && g.PrefillGpus > 0)
            rollout = RolloutEstimate.Of(inference, layout, job, curve, prefill = g.PrefillGpus / layout.GpusPerReplica);
        else if (g.Mode == ServingMode.Disaggregated)
        {
            rollout = default;
            for (int p = 1; p < layout.Replicas; p++)
            {
                var r = RolloutEstimate.Of(inference, layout, job, curve, p);
                if (prefill == 0 || r.Makespan < rollout.Makespan) (rollout, prefill) = (r, p);
            }
        }
        else rollout = RolloutEstimate.Of(inference, layout, job, curve);
        return new RlGeneration(inference, layout, rollout, inference.Memory(layout, rollout.Batch), prefill);
    }

    /// <summary>
    /// The serving job the rollout is: mean prompt, no latency targets, and the response's mean and spread after
    /// clipping at the generation limit (the engine stops there, so a sequence never reserves KV beyond it).
    /// </summary>
    public static InferenceJob JobOf(RlJob job, RlGenerator g, double memoryFraction, ResponseCurve curve) => new()
    {
        InputTokens = job.Prompt.Mean, OutputTokens = (int)Math.Round(curve.Mean), OutputTokensCv = curve.Cv,
        KvPrecision = g.KvPrecision, MemoryFraction = memoryFraction, Mode = g.Mode, ModeFixed = true, Limits = g.Limits, EngineLinear = g.EngineLinear,
        CudaGraphs = g.CudaGraphs, DraftTokens = g.DraftTokens, Acceptance = g.Acceptance, Sampling = g.Sampling,
    };

    /// <summary>Replicas of tp×pp×dp_attention GPUs filling the pool (a remainder is refused by <see cref="Problem"/>).</summary>
    public static InferenceLayout LayoutOf(RlGenerator g, int gpus) =>
        new(g.Tp, g.Pp, g.Ep, g.DpAttention, Math.Max(1, gpus / (g.Tp * g.Pp * g.DpAttention)));

    /// <summary>Why the generator layout cannot run the job on its pool, or null.</summary>
    public static string? Problem(ModelSpec model, RlJob job, RlGenerator g, int gpus, InferenceModel inference)
    {
        var layout = LayoutOf(g, gpus);
        int replica = layout.GpusPerReplica;
        if (gpus % replica != 0)
            return $"tp×pp×dp_attention = {replica} does not divide the generator's {gpus} GPUs; change the degrees or generator.gpus";
        if (layout.Validate(model, gpus) is { } bad) return bad;
        if (g.Mode == ServingMode.Disaggregated && layout.Replicas < 2)
            return $"disaggregated generators need a prefill and a decode replica, but {replica}-GPU replicas give {layout.Replicas} on {gpus} GPUs; add GPUs, shrink tp or pp, or set mode: aggregated";
        if (g.PrefillGpus % replica != 0 || g.DecodeGpus % replica != 0)
            return $"prefill_gpus {g.PrefillGpus} and decode_gpus {g.DecodeGpus} must be whole replicas of tp×pp×dp_attention = {replica} GPUs";
        long longest = (long)job.Prompt.Max + job.Response.Max;
        if (inference.KvCapacityTokensPerAttentionGroup(layout) < longest - 1)
            return FormattableString.Invariant(
                $"tp{layout.Tp} pp{layout.Pp} leaves no KV-cache room for one {longest}-token sequence (weights {inference.WeightsPerGpu(layout).GiB:0.0} GiB per GPU of {inference.UsableMemoryPerGpu.GiB:0.0} GiB usable); raise generator tp or pp, or set kv_precision: fp8");
        return null;
    }
}

/// <summary>
/// The trainer pool of an RL job as the training model sees it: the update over a step's samples (packed into
/// sequences of the mean prompt plus response), and the forward-only passes that score them.
/// </summary>
/// <param name="Update">One optimizer step over <c>trainer.global_batch</c> samples (every sample of the RL step by default).</param>
public sealed record RlTraining(TrainingModel Model, TrainingEstimate Update)
{
    /// <summary>PPO: the critic trained beside the policy on the same pool (this record itself when it is the policy's model); null otherwise.</summary>
    public RlTraining? Critic { get; init; }

    /// <summary>
    /// Optimizer steps per RL step: samples / global batch. NeMo-RL's Megatron worker runs one forward-backward over
    /// each global batch of <c>train_global_batch_size</c> samples and steps the optimizer after each
    /// (nemo_rl/models/policy/workers/megatron_policy_worker.py <c>train</c>, NVIDIA-NeMo/RL @ 66059ab4d).
    /// </summary>
    public int OptimizerSteps { get; init; } = 1;

    /// <summary>
    /// Swapping a host-resident reference policy in and out for its log-probability pass
    /// (<see cref="RlTrainer.ReferenceOnHost"/>): three copies of the trainer's weights per GPU over the host link, the
    /// policy's out, the reference's in and the policy's back (NeMo-RL megatron_policy_worker.py <c>use_reference_model</c>,
    /// NVIDIA-NeMo/RL @ 66059ab4d; the reference is a pinned CPU state dict, megatron/setup.py
    /// <c>setup_reference_model_state</c>). Zero when the reference stays on the GPUs or no reference pass runs.
    /// </summary>
    public Seconds ReferenceSwap { get; init; } = Seconds.Zero;

    /// <summary>The policy update of the whole RL step: every optimizer step, each flushing its pipeline and reducing its gradients.</summary>
    public Seconds UpdateTime => Update.StepTime * OptimizerSteps;

    /// <summary>
    /// One forward-only pass over every sample of the RL step (old-policy or reference log-probabilities, critic values;
    /// <see cref="TrainingModel.ForwardOnly"/>): the update's layout without recomputation, its micro-batches packed to the
    /// log-probability size (<see cref="RlTrainer.LogProbTokens"/>). The frameworks score the whole step in one call, not
    /// one per optimizer step: NeMo-RL shards the step for <c>get_logprobs</c> with <c>batch_size=None</c>
    /// (nemo_rl/models/policy/lm_policy.py <c>_shard_for_logprob</c> @ v0.7.0) and runs one forward-only
    /// <c>megatron_forward_backward</c> over its micro-batches; verl's <c>compute_log_prob</c> one
    /// <c>forward_backward_batch(forward_only=True)</c> (verl/workers/actor/megatron_actor.py @ b178a3cd).
    /// </summary>
    public Seconds Forward { get; init; }

    /// <summary>Micro-batches per data-parallel rank of that pass (<see cref="Forward"/>).</summary>
    public int ScoringMicroBatches { get; init; }

    /// <summary>
    /// The samples of one RL step as a training job: sequences of mean prompt + mean response, one per sample. With
    /// context parallelism a sequence is padded to a multiple of 2·cp: Megatron splits it into 2·cp chunks so that each
    /// rank gets an early and a late one of the causal mask (Megatron-LM context-parallel load balancing).
    /// </summary>
    public static TrainingJob JobOf(RlJob job, Precision precision, double meanResponse, int cp = 1)
    {
        return new()
        {
            SeqLen = PaddedForCp(job.Prompt.Mean + (int)Math.Round(meanResponse), cp), GlobalBatch = job.Trainer.GlobalBatch ?? job.Samples, Precision = precision,
            Dispatcher = job.Trainer.Dispatcher, GradientPrecision = job.Trainer.GradientPrecision, OptimizerOffload = job.Trainer.OptimizerOffload,
            ReplicatedLinearAttention = job.Trainer.ReplicatedLinearAttention,
        };
    }

    /// <summary><paramref name="tokens"/> padded to a multiple of 2·cp, as Megatron splits a sequence into 2·cp chunks (see <see cref="JobOf"/>).</summary>
    static int PaddedForCp(int tokens, int cp)
    {
        int multiple = cp > 1 ? 2 * cp : 1;
        return (tokens + multiple - 1) / multiple * multiple;
    }

    /// <summary>
    /// The trainer's passes over the RL step on its pool, the loss reading the logits as <paramref name="loss"/> says: the
    /// policy's as <see cref="RlTrainer.Loss"/>, a critic's (whose value head is costed as the LM head) as the generic cross entropy.
    /// </summary>
    public static RlTraining Of(ModelSpec model, Cluster cluster, Precision precision, RlJob job, LayoutSpec spec, int gpus, ResponseCurve curve, HardwareCalibration cal,
        LossKernel loss)
    {
        var t = JobOf(job, precision, curve.Mean, spec.Cp ?? 1) with { Loss = loss };
        int attended = AttendedLength(job.Prompt.Mean, curve.Mean, curve.Cv);
        var pool = cluster with { Gpus = gpus };
        var (updateJob, layout) = Packed(job, spec, gpus, t, job.Trainer.PackTokens, attended);
        var training = new TrainingModel(model, pool, updateJob, cal);
        var update = training.Estimate(layout);
        // The scoring passes: every sample of the step at once, packed to the log-probability tokens.
        var (scoringJob, scoring) = Packed(job, spec, gpus, t with { GlobalBatch = job.Samples }, job.Trainer.LogProbTokens ?? job.Trainer.PackTokens, attended);
        var scorer = scoringJob == updateJob ? training : new TrainingModel(model, pool, scoringJob, cal);
        bool swaps = job.Trainer.ReferenceOnHost && job.Algorithm != RlAlgorithm.Dapo && cluster.Accelerator.HostMemory is not null;
        return new RlTraining(training, update)
        {
            OptimizerSteps = job.Samples / (job.Trainer.GlobalBatch ?? job.Samples),
            ReferenceSwap = swaps ? 3 * update.Memory.Weights / cluster.Accelerator.HostMemory!.Bandwidth : Seconds.Zero,
            Forward = scorer.ForwardOnly(scoring),
            ScoringMicroBatches = scorer.MicroBatches(scoring),
        };
    }

    /// <summary>Why the trainer layout cannot train the step's samples on its pool, or null.</summary>
    public static string? Problem(ModelSpec model, RlJob job, LayoutSpec spec, int gpus, Precision precision, ResponseCurve curve)
    {
        var t = JobOf(job, precision, curve.Mean, spec.Cp ?? 1);
        if (LayoutValidator.Check(model, gpus, LayoutDefaults.Complete(spec, gpus), t.SeqLen, t.GlobalBatch) is { } bad) return bad;
        var (packed, layout) = Packed(job, spec, gpus, t, job.Trainer.PackTokens, AttendedLength(job.Prompt.Mean, curve.Mean, curve.Cv));
        return LayoutValidator.Check(model, gpus, layout, packed.SeqLen, packed.GlobalBatch);
    }

    /// <summary>
    /// The trainer's job and layout on its pool. With sequence packing (<paramref name="tokens"/>: <see cref="RlTrainer.PackTokens"/>
    /// or <see cref="RlTrainer.LogProbTokens"/>) and no micro-batch given, NeMo-RL packs a global batch's samples
    /// first-fit-decreasing into bins of at most that many tokens, a multiple of dp of them, deals the bins to the
    /// data-parallel ranks and runs one forward-backward per bin (nemo_rl/distributed/batched_data_dict.py
    /// <c>shard_by_batch_size</c>: <c>get_packer(min_bin_count=shards, bin_count_multiple=shards)</c>; data/packing/algorithms.py
    /// <c>ModifiedFirstFitDecreasingPacker</c>, NVIDIA-NeMo/RL @ 7ea279abf). So a micro-batch is one bin (<see cref="SequencePacking"/>):
    /// a row of the rank's tokens over its bins, each sample attending only within itself (<see cref="TrainingJob.AttentionLength"/>).
    /// </summary>
    static (TrainingJob Job, ParallelLayout Layout) Packed(RlJob job, LayoutSpec spec, int gpus, TrainingJob t, int? tokens, int attended)
    {
        var l = LayoutDefaults.Complete(spec, gpus);
        if (tokens is not { } capacity || spec.MicroBatch is not null) return (t, l);
        int perRank = t.GlobalBatch / Math.Max(1, l.Dp);
        var (bins, longest) = SequencePacking.PerRank(capacity, job.Prompt.Mean, job.Response, t.GlobalBatch, l.Dp);
        int mean = (int)Math.Ceiling((double)perRank * t.SeqLen / bins);
        // Megatron's pipeline schedule hands fixed-shape activations between stages unless variable_seq_lengths is set,
        // so NeMo-RL pads every packed micro-batch to the rank's fullest one when pp > 1 (nemo_rl/models/megatron/data.py
        // _get_pack_sequence_parameters_for_megatron: "when PP is used, all sequences must have the same length").
        bool padded = l.Pp > 1 && !job.Trainer.VariableSeqLengths;
        int row = PaddedForCp(padded ? Math.Max(mean, longest) : mean, l.Cp);
        return (t with { SeqLen = row, GlobalBatch = bins * l.Dp, AttentionLength = attended }, l with { MicroBatch = 1 });
    }

    /// <summary>
    /// The length a packed row's tokens attend over on average: each sample attends only within itself, so its causal
    /// attention grows as its length squared and the row's is that of samples of E[L²]/E[L] tokens, with L the mean prompt
    /// p plus the clipped response of mean μ and variation cv (<see cref="ResponseCurve.Clipped"/>): (p² + 2pμ + μ²(1 + cv²)) / (p + μ).
    /// Constant lengths give p + μ.
    /// </summary>
    public static int AttendedLength(double p, double mu, double cv) =>
        (int)Math.Round((p * p + 2 * p * mu + mu * mu * LengthDistribution.SizeBias(cv)) / (p + mu));

}
