using Augur.Domain.Hardware;
using Augur.Domain.Models;

namespace Augur.Domain.Workloads;

/// <summary>
/// Which models an RL algorithm runs besides the policy. GRPO: a frozen reference (KL term) and the policy's old
/// log-probabilities, no critic (Shao et al. 2024, DeepSeekMath §4). PPO: reference, old log-probabilities and a
/// critic (of the policy's model unless <see cref="RlJob.Critic"/> names another) evaluated and trained every step
/// (Ouyang et al. 2022). DAPO: GRPO without the KL term, so no reference pass (Yu et al. 2025, DAPO §2).
/// </summary>
public enum RlAlgorithm { Grpo, Ppo, Dapo }

/// <summary>
/// Where generation and training run. Colocated: one pool time-shares both (verl's hybrid engine), offloading the
/// trainer's state while generating. Disaggregated: separate pools taking turns. Asynchronous: separate pools
/// overlapping, generation running up to <see cref="RlJob.Staleness"/> policy versions ahead of training.
/// </summary>
public enum RlPlacement { Colocated, Disaggregated, Asynchronous }

/// <summary>
/// How asynchronous generators take on work. Continuous: they keep their batch full, a response carried across weight
/// updates (partial rollouts, AReaL), so a step's tail hides under later steps. Per step: a step's prompts start together
/// once the weights k steps older arrive and the trainer waits for the last of them (NeMo-RL's trajectory collector).
/// </summary>
public enum RlAsyncRollout { Continuous, PerStep }

public enum VerifierKind { Rule, Sandbox, Model }

/// <summary>
/// How each sample is scored. Rule: a CPU function, <see cref="CpuSeconds"/> per sample on <see cref="CpuCores"/>
/// cores. Sandbox: code execution, <see cref="LatencySeconds"/> per sample with <see cref="Concurrency"/> at once.
/// Model: a reward model of <see cref="RewardModel"/> at tensor parallelism <see cref="Tp"/>, one prefill pass over
/// prompt and response per sample, on <see cref="Gpus"/> GPUs of its own or, when <see cref="OnGenerators"/>, on the
/// generators' GPUs after they generate (its weights resident beside theirs).
/// </summary>
public sealed record RlVerifier
{
    public required VerifierKind Kind { get; init; }
    public double CpuSeconds { get; init; }
    public int CpuCores { get; init; }
    public double LatencySeconds { get; init; }
    public int Concurrency { get; init; }
    public ModelSpec? RewardModel { get; init; }
    public int Gpus { get; init; }
    public int Tp { get; init; } = 1;
    public bool OnGenerators { get; init; }
    /// <summary>Share of each step's samples this verifier scores: 1 = every sample (all of a list applied to each).</summary>
    public double Share { get; init; } = 1;
    /// <summary>GPUs the verifier holds besides the generator and trainer pools.</summary>
    public int OwnGpus => Kind == VerifierKind.Model && !OnGenerators ? Gpus : 0;
}

/// <summary>
/// A token-length distribution: log-normal of mean <see cref="Mean"/> and coefficient of variation <see cref="Spread"/>
/// (0 = every length the mean), clipped at <see cref="Max"/> (the generation limit).
/// </summary>
public sealed record RlLengths(int Mean, double Spread, int Max);

/// <summary>
/// The generator pool's serving layout (as an inference scenario's parallelism). Disaggregated: the pool's replicas
/// split into <see cref="PrefillGpus"/> prefilling and <see cref="DecodeGpus"/> decoding (both 0: the split that
/// finishes the rollout soonest).
/// </summary>
public sealed record RlGenerator
{
    public required int Gpus { get; init; }
    public ServingMode Mode { get; init; } = ServingMode.Aggregated;
    public int PrefillGpus { get; init; }
    public int DecodeGpus { get; init; }
    public int Tp { get; init; } = 1;
    public int Pp { get; init; } = 1;
    public int Ep { get; init; } = 1;
    public int DpAttention { get; init; } = 1;
    /// <summary>Weight precision of the generators; null = the scenario's precision.</summary>
    public Precision? Precision { get; init; }
    public Precision KvPrecision { get; init; } = Hardware.Precision.BF16;
    public double MemoryFraction { get; init; } = InferenceJob.DefaultMemoryFraction;
    /// <summary>
    /// The rollout engine's limits and host time: the scenario reader takes the catalog's vllm entry for the generators'
    /// accelerator (the engine NeMo-RL, verl and OpenRLHF generate with); a job built in code gets `vllm serve`'s on a
    /// GPU of 70 GiB or more (<see cref="Frameworks.ServingLimits.Default"/>).
    /// </summary>
    public Frameworks.ServingLimits Limits { get; init; } = Frameworks.ServingLimits.Default;
    /// <summary>The rollout engine's own measured kernels on the generators' accelerator (the scenario reader's, from the vllm entry); null = the calibration.</summary>
    public EngineLinearKernels? EngineLinear { get; init; }
    /// <summary>Whether the rollout engine replays its steps as CUDA graphs (vLLM's default; verl runs eager); see <see cref="InferenceJob.CudaGraphs"/>.</summary>
    public bool CudaGraphs { get; init; } = true;
    /// <summary>
    /// How the rollout engine samples: at a temperature, returning each sampled token's log-probability, by default (NeMo-RL,
    /// verl and Miles all ask for it); Augur.CostModels.Inference.SamplerTraffic counts its passes.
    /// </summary>
    public SamplingMode Sampling { get; init; } = SamplingMode.RandomWithLogprobs;
    /// <summary>
    /// Colocated: the engine backs its weights up to host memory while the trainer runs and copies them back before the
    /// refit (vLLM's <c>sleep(level=1)</c>, which NeMo-RL calls after every rollout, nemo_rl/models/generation/vllm/vllm_worker.py
    /// <c>finish_generation</c> @ v0.3.0 to v0.7.0, then <c>wake_up(tags=["weights"])</c>); false discards them, since the
    /// refit rewrites them anyway (level 2, as verl sleeps its vLLM engines, verl/workers/sharding_manager/megatron_vllm.py
    /// @ 65c59c719, and SGLang releases its weights without a CPU backup by default).
    /// </summary>
    public bool KeepsWeightsOnHost { get; init; } = true;
    /// <summary>Tokens the rollout engine drafts per decode step (speculative decoding, e.g. DeepSeek's MTP head); 0 = none. See <see cref="InferenceJob.DraftTokens"/>.</summary>
    public int DraftTokens { get; init; }
    /// <summary>The chance each drafted token is accepted; see <see cref="InferenceJob.Acceptance"/>.</summary>
    public double Acceptance { get; init; }
    /// <summary>Separate pools only: the generators' own hardware (<c>rl.generator.hardware</c>); null = the scenario's.</summary>
    public RlPoolHardware? OwnHardware { get; init; }
}

/// <summary>
/// A pool's own hardware: its cluster (the pool's GPUs in their system's network), the calibration of its family, and
/// what one of its GPUs costs an hour (0 when no price is known).
/// </summary>
public sealed record RlPoolHardware(Cluster Cluster, HardwareCalibration Calibration, double UsdPerGpuHour);

/// <summary>The trainer pool: its GPU count and training layout (tp, pp, dp, zero, microbatch, ...).</summary>
public sealed record RlTrainer
{
    public required int Gpus { get; init; }
    public required LayoutSpec Layout { get; init; }
    /// <summary>
    /// How the policy's loss and log-probability passes read the logits: token log-probabilities, as NeMo-RL computes them,
    /// by default (a job built in code may take the generic cross entropy); a critic keeps the generic count.
    /// </summary>
    public LossKernel Loss { get; init; } = LossKernel.TokenLogProbs;
    /// <summary>
    /// Colocated: the trainer moves its weights to host memory too while the pool generates (NeMo-RL's
    /// <c>offload_after_refit</c>), so the serving engine gets its whole memory fraction; false keeps them resident (verl
    /// without parameter offload, which lowers <c>gpu_memory_utilization</c> instead).
    /// </summary>
    public bool OffloadWeights { get; init; }
    /// <summary>
    /// Samples per optimizer step (NeMo-RL's <c>train_global_batch_size</c>), a divisor of the step's samples (the scenario reader
    /// refuses others); null = every sample of the RL step in one.
    /// Fewer runs samples / global_batch optimizer steps, each with its own pipeline flush, gradient reduction and update.
    /// </summary>
    public int? GlobalBatch { get; init; }
    /// <summary>
    /// The weight update exports whole tensors: every trainer rank gathers each parameter from its tensor and expert
    /// shards and from the pipeline stage that holds it (Megatron-Bridge's export, as NeMo-RL refits), and a separate
    /// generator pool receives the whole model from one trainer rank; false sends each generator GPU only its shard.
    /// </summary>
    public bool GatherWeights { get; init; }
    /// <summary>
    /// The frozen reference policy lives in host memory and is swapped into the trainer's model for its log-probability
    /// pass: the policy's weights are copied out to the host, the reference's copied in, and the policy's copied back
    /// (NeMo-RL's Megatron worker, <c>use_reference_model</c>); false keeps the reference resident on the GPUs.
    /// </summary>
    public bool ReferenceOnHost { get; init; }
    /// <summary>
    /// Sequence packing: each micro-batch carries up to this many tokens of whole sequences laid end to end (NeMo-RL's
    /// <c>policy.sequence_packing.train_mb_tokens</c>, max_total_sequence_length × train_micro_batch_size), so a rank runs
    /// fewer, larger micro-batches than one sequence each; null = the layout's micro-batch of sequences.
    /// </summary>
    public int? PackTokens { get; init; }
    /// <summary>
    /// Tokens of one packed micro-batch of the log-probability passes (NeMo-RL's
    /// <c>policy.sequence_packing.logprob_mb_tokens</c>, max_total_sequence_length × logprob_batch_size); null = as
    /// <see cref="PackTokens"/> (NeMo-RL's default logprob_batch_size is the train micro-batch).
    /// </summary>
    public int? LogProbTokens { get; init; }
    /// <summary>How the trainer's MoE layers send tokens to their experts (NeMo-RL's moe_token_dispatcher_type and flex backend).</summary>
    public ExpertDispatcher Dispatcher { get; init; } = ExpertDispatcher.AllToAll;
    /// <summary>The trainer's gradient buffers and their reduction (Megatron's grad_reduce_in_fp32); null = fp32.</summary>
    public Precision? GradientPrecision { get; init; }
    /// <summary>The trainer's linear-attention mixers run whole on every tensor-parallel rank (<see cref="TrainingJob.ReplicatedLinearAttention"/>).</summary>
    public bool ReplicatedLinearAttention { get; init; }
    /// <summary>Share of the trainer's optimizer on the host CPU (<see cref="TrainingJob.OptimizerOffload"/>; verl's and NeMo-RL's optimizer_offload_fraction).</summary>
    public double OptimizerOffload { get; init; }
    /// <summary>
    /// The trainer recomputes the old policy's log-probabilities before the update. False skips that pass: with one
    /// optimizer step per RL step the policy that generated is the one being trained, so the importance ratio is 1 by
    /// construction (NeMo-RL's <c>loss_fn.force_on_policy_ratio</c>, which requires train_global_batch_size to equal the
    /// step's samples and then skips prev_logprobs, nemo_rl/algorithms/grpo.py @ 3d6d13240), or, with any number of
    /// optimizer steps, the rollout engine's own log-probabilities stand for the old policy's (verl's
    /// <c>algorithm.rollout_correction.bypass_mode</c>, docs/advance/v1_async_trainer.md @ 1dda039b). The reference's pass stays.
    /// </summary>
    public bool OldPolicyLogProbs { get; init; } = true;
    /// <summary>
    /// Packed micro-batches keep their own lengths between pipeline stages (Megatron-core's <c>variable_seq_lengths</c>,
    /// which verl sets); false pads every one to the rank's fullest under pipeline parallelism, as NeMo-RL does for
    /// Megatron's static stage-to-stage buffers. Applies with <see cref="PackTokens"/>.
    /// </summary>
    public bool VariableSeqLengths { get; init; }
    /// <summary>
    /// Colocated: the trainer's optimizer state goes to pinned host memory at the link's rate, as verl's non-blocking
    /// <c>.to("cpu", non_blocking=True)</c> does (verl/utils/megatron_utils.py <c>offload_megatron_optimizer</c> @ 65c59c719:
    /// PyTorch's <c>_to_copy</c> allocates a non-blocking device-to-host copy's destination pinned, from its caching host
    /// allocator, aten/src/ATen/native/TensorConversions.cpp); false copies it into freshly allocated pageable memory, as
    /// NeMo-RL's blocking <c>v.to("cpu")</c> does (<see cref="MemoryTierSpec.FreshPageable"/>).
    /// </summary>
    public bool OffloadPinned { get; init; }
    /// <summary>
    /// Colocated, with <see cref="GatherWeights"/>: the hand-over is double-buffered, so the trainer exports the next bucket
    /// of tensors while the engine loads the last, as NeMo-RL's CUDA IPC stream does from v0.4.0 (two buffers of 15% of the
    /// GPU's free memory each, the sender waiting only for the buffer before: nemo_rl/models/policy/utils.py
    /// <c>stream_weights_via_ipc_zmq_impl</c> and algorithms/grpo.py NRL_REFIT_BUFFER_MEMORY_RATIO 0.3, NVIDIA-NeMo/RL PR
    /// #1267, in r0.4.0 to v0.7.0); false runs the export and the hand-over one after the other, as v0.3.0's did.
    /// </summary>
    public bool RefitOverlap { get; init; }
}

/// <summary>
/// PPO's critic in a layout of its own (<c>rl.critic</c> with layout keys): on the trainer's GPUs (verl's critic worker
/// group takes its own <c>critic.megatron.*</c> or FSDP settings on the actor's resource pool, verl
/// verl/trainer/main_ppo.py and verl/trainer/config/critic/megatron_critic.yaml @ b178a3cd) or, with
/// <see cref="OwnPool"/>, on <see cref="Gpus"/> GPUs of its own (OpenRLHF <c>--critic.num_nodes</c> ×
/// <c>--critic.num_gpus_per_node</c>, openrlhf/cli/train_ppo_ray.py @ 3c3be623).
/// </summary>
public sealed record RlCriticLayout(int Gpus, LayoutSpec Layout, bool OwnPool)
{
    /// <summary>GPUs the critic holds besides the generator and trainer pools.</summary>
    public int OwnGpus => OwnPool ? Gpus : 0;
}

/// <summary>
/// An RL post-training job (the <c>rl:</c> section): per step, <see cref="PromptsPerStep"/> prompts each sampled
/// <see cref="SamplesPerPrompt"/> times are generated, verified and trained on, and the new weights reach the generators.
/// </summary>
public sealed record RlJob
{
    public required RlAlgorithm Algorithm { get; init; }
    public required int PromptsPerStep { get; init; }
    public required int SamplesPerPrompt { get; init; }
    public required RlLengths Prompt { get; init; }
    public required RlLengths Response { get; init; }
    /// <summary>The verifier that may hold GPUs: the reward model when one is listed, otherwise the first listed.</summary>
    public required RlVerifier Verifier { get; init; }
    /// <summary>The other verifiers of a list (a rule check beside a sandbox, ...), in the order given.</summary>
    public IReadOnlyList<RlVerifier> MoreVerifiers { get; init; } = [];
    /// <summary>PPO: the critic's model when it is not the policy's (verl <c>critic.model.path</c>); null = the policy's.</summary>
    public ModelSpec? Critic { get; init; }
    /// <summary>PPO: the critic's own layout and pool; null = the trainer's layout on the trainer's pool.</summary>
    public RlCriticLayout? CriticLayout { get; init; }
    /// <summary>GPUs a critic on a pool of its own holds (0 when it shares the trainer's).</summary>
    public int CriticGpus => CriticLayout?.OwnGpus ?? 0;
    /// <summary>
    /// Dynamic sampling (DAPO, Yu et al. 2025, arXiv:2503.14476 §3.2): the expected share of prompt groups filtered out
    /// because all their samples score alike; null = none filtered, every group trained on.
    /// </summary>
    public double? FilteredFraction { get; init; }
    public required RlPlacement Placement { get; init; }
    /// <summary>Asynchronous only: how many policy versions generation may run ahead of training (0 = none).</summary>
    public int Staleness { get; init; }
    /// <summary>Asynchronous only: whether generation runs continuously or launches each step's batch whole (<see cref="RlAsyncRollout"/>).</summary>
    public RlAsyncRollout AsyncRollout { get; init; } = RlAsyncRollout.Continuous;
    public required RlGenerator Generator { get; init; }
    public required RlTrainer Trainer { get; init; }
    public int Steps { get; init; } = 1;

    /// <summary>Samples trained on per step (and generated and scored per generation round).</summary>
    public int Samples => PromptsPerStep * SamplesPerPrompt;

    /// <summary>Every verifier that scores the step's samples.</summary>
    public IEnumerable<RlVerifier> Verifiers => [Verifier, .. MoreVerifiers];

    /// <summary>
    /// Expected generation rounds per step with dynamic sampling: each round keeps a share 1 − f of its groups, and
    /// rounds run until the train batch is full, so E[groups generated] = groups trained / (1 − f) (Wald's identity
    /// over rounds, the last one stopping as the batch fills); 1 without filtering.
    /// </summary>
    public double GenerationRounds => 1 / (1 - (FilteredFraction ?? 0));
}
