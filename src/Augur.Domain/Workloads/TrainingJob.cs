using Augur.Domain.Hardware;

namespace Augur.Domain.Workloads;

/// <summary>
/// Attention kernel used in training: fused at the rates the hardware family's calibration measured for its best fused
/// kernel (cuDNN fused attention on Hopper, as Transformer Engine runs it), unfused (scores materialized, as in
/// Megatron-LM 2021), or FlashAttention-2 at its own measured rates (PyTorch SDPA's flash backend, which PyTorch picks
/// by default on Hopper while cuDNN attention is opt-in, and which its context-parallel ring attention runs).
/// </summary>
public enum AttentionKernel { Flash, Unfused, Flash2 }

/// <summary>A pretraining job: what is trained on what batch, and for how long.</summary>
public sealed record TrainingJob
{
    public required int SeqLen { get; init; }
    /// <summary>Sequences per optimizer step.</summary>
    public required int GlobalBatch { get; init; }
    /// <summary>
    /// Tokens each sample attends over when a sequence row packs several samples end to end (Megatron-core's packed THD
    /// format: attention restarts at each sample's boundary, so its cost follows the sample's length, not the row's);
    /// null when a row is one sample.
    /// </summary>
    public int? AttentionLength { get; init; }
    /// <summary>The length attention spans: a packed row's samples (<see cref="AttentionLength"/>) or the whole row.</summary>
    public int AttendedLength => AttentionLength ?? SeqLen;
    public required Precision Precision { get; init; }
    /// <summary>Total training tokens, when a budget is given.</summary>
    public double? TokenBudget { get; init; }
    /// <summary>Total training FLOPs (model FLOPs), when a budget is given.</summary>
    public double? FlopBudget { get; init; }
    public AttentionKernel AttentionKernel { get; init; } = AttentionKernel.Flash;
    /// <summary>Whether data-parallel gradient and parameter traffic overlaps with compute (Megatron --overlap-grad-reduce).</summary>
    public bool OverlapDataParallel { get; init; } = true;
    /// <summary>
    /// ZeRO-3 issues each unit's weight gather for the backward only once the unit after it has its gradients (torch FSDP's
    /// BackwardPrefetch.BACKWARD_POST, Composer's default), ahead of that unit's reduce-scatter on the same NCCL stream, so
    /// the backward waits for every gather (training.backward_prefetch: post). False: gathered ahead of need (BACKWARD_PRE).
    /// </summary>
    public bool GatherAfterBackward { get; init; }
    /// <summary>How tokens spread over experts (MoE models).</summary>
    public ExpertRoutingMode Routing { get; init; } = ExpertRoutingMode.Random;
    /// <summary>
    /// Multi-token-prediction depths trained beside the model (Megatron --mtp-num-layers; DeepSeek-V3 trained one, its
    /// config's num_nextn_predict_layers): each runs one more layer and the output layer again on the last stage. 0 = none.
    /// </summary>
    public int MtpLayers { get; init; }
    /// <summary>How data parallelism spans sites (read only when the cluster has more than one).</summary>
    public CrossSiteTraining CrossSite { get; init; } = CrossSiteTraining.Synchronous;
    /// <summary>
    /// The methods <c>plan</c> may choose among (<c>cross_site: auto</c>): synchronous and DiLoCo at each H the user lists,
    /// since DiLoCo changes the optimisation and only the user may allow it. Null when the scenario names one method.
    /// </summary>
    public IReadOnlyList<CrossSiteTraining>? CrossSiteChoices { get; init; }
    /// <summary>
    /// Precision of the gradient buffers that accumulate and reduce gradients (Megatron-core's <c>grad_reduce_in_fp32</c>);
    /// null for the default: fp32 main gradients in bf16, FP8 and FP4 training (Megatron-LM forces them for bf16), fp16 in fp16 training.
    /// </summary>
    public Precision? GradientPrecision { get; init; }
    /// <summary>
    /// BF16 when the parameters themselves are kept in bf16 with no fp32 master copy, and the optimizer's moments follow
    /// them (PyTorch's Adam allocates its state like the parameter; the gradients land in the parameter's type after
    /// reduction), as NeMo AutoModel's MoE models are built in the checkpoint's torch_dtype; null for fp32 master weights
    /// and moments (Megatron-core's optimizer, the default).
    /// </summary>
    public Precision? OptimizerPrecision { get; init; }
    /// <summary>
    /// Share of the optimizer kept and run on the host CPU (Megatron-core's <c>optimizer_cpu_offload</c> with
    /// <c>optimizer_offload_fraction</c>, its HybridDeviceOptimizer): that share of the master weights and Adam moments
    /// leaves HBM, and its update runs as CPU Adam with the gradients copied down and the weights copied back. 0 keeps
    /// the whole optimizer on the GPU.
    /// </summary>
    public double OptimizerOffload { get; init; }
    /// <summary>
    /// The linear-attention (Gated DeltaNet) mixers run whole on every tensor-parallel rank instead of split by heads:
    /// Miles' Qwen3.5 layer builds them from plain <c>nn.Linear</c> modules and gathers the sequence-parallel input before
    /// them (miles_plugins/models/hf_attention.py: "the linear attention after this gather is NOT TP-sharded (duplicated
    /// on all ranks)"). Each rank then computes and holds the whole mixer, and its block exchanges half of what a
    /// split block does. False for Megatron-core's own Gated DeltaNet, which splits the heads.
    /// </summary>
    public bool ReplicatedLinearAttention { get; init; }
    /// <summary>
    /// Transformer layers whose saved activations go to host memory in the forward pass and come back for the backward
    /// (Megatron-core's <c>cpu_offloading_num_layers</c> with activations only); 0 keeps them all in HBM. Applies to layouts
    /// without pipeline parallelism, the only ones Megatron offloads.
    /// </summary>
    public int OffloadLayers { get; init; }
    /// <summary>
    /// Whether the loss is TransformerEngine's fused cross entropy on the 16-bit logits (Megatron-core
    /// <c>cross_entropy_loss_fusion</c> with <c>cross_entropy_fusion_impl: te</c>) rather than Megatron's on fp32 logits.
    /// </summary>
    public bool FusedCrossEntropy { get; init; }
    /// <summary>How the loss reads the logits: cross entropy (pretraining, the default) or token log-probabilities (RL trainers).</summary>
    public LossKernel Loss { get; init; }
    /// <summary>
    /// MaxText's <c>capacity_factor</c> for an MoE model trained with <c>sparse_matmul: False</c>: each expert gets a fixed
    /// number of slots per sequence and tokens reach them by einsum (dense_matmul's dropping path); null for a dropless
    /// dispatcher that permutes the routed copies.
    /// </summary>
    public double? ExpertCapacityFactor { get; init; }
    /// <summary>How the MoE layers' tokens reach their experts across nodes (training.dispatcher); Megatron's alltoall by default.</summary>
    public ExpertDispatcher Dispatcher { get; init; } = ExpertDispatcher.AllToAll;
    /// <summary>How context parallelism exchanges attention's inputs (training.cp_comm); read only when cp &gt; 1.</summary>
    public ContextParallelComm ContextParallelComm { get; init; } = ContextParallelComm.P2P;
    /// <summary>
    /// MaxText's remat policy (<c>remat_policy</c> and, for <c>custom</c>, each tensor's choice): what each layer saves in HBM,
    /// offloads to host memory or recomputes. Null for Megatron-style recomputation by the layout's <c>recompute</c>.
    /// </summary>
    public RematPolicy? Remat { get; init; }
    /// <summary>
    /// Chunks the loss computes the logits in (MaxText's <c>num_vocab_tiling</c>: the logits are tiled along the
    /// batch-sequence axis and the cross entropy computed chunk by chunk), so one chunk's logits are held at a time. 1 = all at once.
    /// </summary>
    public int LogitChunks { get; init; } = 1;
    /// <summary>What the run captures in CUDA graphs (Megatron-core cuda_graph_impl/cuda_graph_scope); none by default.</summary>
    public CudaGraphScopes CudaGraphs { get; init; }
    /// <summary>Fine-tuning with low-rank adapters on a frozen base (<see cref="LoraSpec"/>); null for training every weight.</summary>
    public LoraSpec? Lora { get; init; }
    /// <summary>
    /// The SwiGLU's input is kept for the backward in FP8, one byte, not 16 bits (Megatron-core's
    /// <c>activation_func_fp8_input_store</c>: "Store the input of MLP activation function in FP8 for backprop to save
    /// memory", used by bias_swiglu_impl in the dense MLP and TEGroupedMLP's experts).
    /// </summary>
    public bool Fp8ActivationStore { get; init; }
    /// <summary>
    /// Attention runs in FP8 (Transformer Engine's fp8_dot_product_attention, NVTE_FP8_DPA: cuDNN's FP8 fused attention
    /// forward and, with NVTE_FP8_DPA_BWD, backward), at the part's FP8 attention rate, keeping Q, K and V quantized.
    /// </summary>
    public bool Fp8Attention { get; init; }

    public double TokensPerStep => (double)SeqLen * GlobalBatch;
}

/// <summary>Reliability and price inputs of a whole run, with the defaults a scenario gets when it says nothing.</summary>
public sealed record RunEconomics
{
    /// <summary>Per-GPU MTBF implied by Llama 3 405B: 419 unexpected interruptions in 54 days on 16,384 GPUs (arXiv 2407.21783 §3.3.4) ≈ 50,700 h.</summary>
    public const double DefaultGpuMtbfHours = 54.0 * 24.0 * 16384.0 / 419.0;

    /// <summary>
    /// ASSUMPTION, no published source: a synchronous checkpoint of a large run to a parallel file system. Real
    /// values range from seconds (asynchronous, local NVMe) to minutes (network storage); set
    /// <c>run.checkpoint_write_s</c> for your cluster.
    /// </summary>
    public const double DefaultCheckpointWriteSeconds = 60;

    /// <summary>
    /// ASSUMPTION, no published source: reschedule onto spare nodes, re-initialise communicators, reload the
    /// checkpoint. Huawei MindCluster's recovery guide splits it into these parts and reports tens of seconds to
    /// minutes by model size; set <c>run.restart_s</c>.
    /// </summary>
    public const double DefaultRestartSeconds = 600;

    /// <summary>
    /// Average draw as a fraction of rated power during training: an 8×H100 HGX node peaked at ≈ 8.4 of 10.2 kW
    /// (0.82) training Llama-2-13B (Latif et al., arXiv 2412.08602), and compute-heavy training ran at 76 % of the
    /// rating (arXiv 2506.14551). Serving's energy per token uses the same figure (ASSUMPTION: memory-bound decode
    /// may draw less; set <c>run.power_utilization</c>).
    /// </summary>
    public const double DefaultPowerUtilization = 0.8;

    /// <summary>
    /// ASSUMPTION between the hyperscale and industry figures: Google's fleet reported 1.10 (Q2 2021) while the
    /// Uptime Institute 2021 survey averaged 1.57 for large data centres (both as reported by CNBC, 2022-04-13);
    /// new liquid-cooled AI halls are designed near 1.2. Set <c>run.pue</c>.
    /// </summary>
    public const double DefaultPue = 1.2;

    public double UsdPerGpuHour { get; init; }
    /// <summary>Mean time between failures of ONE GPU (with its share of host, network and power), hours.</summary>
    public double GpuMtbfHours { get; init; }
    /// <summary>Time to write one checkpoint, seconds (training is paused meanwhile).</summary>
    public double CheckpointWriteSeconds { get; init; }
    /// <summary>Time to restart after a failure (reschedule, reload), seconds.</summary>
    public double RestartSeconds { get; init; }
    /// <summary>Average power drawn per GPU as a fraction of its rated power.</summary>
    public double PowerUtilization { get; init; }
    /// <summary>Power usage effectiveness of the datacenter (facility power / IT power).</summary>
    public double Pue { get; init; }
}
