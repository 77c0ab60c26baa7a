using Augur.CostModels.Analysis;
using Augur.CostModels.Communication;
using Augur.CostModels.Compute;
using Augur.CostModels.Memory;
using Augur.CostModels.Operators;
using Augur.Domain.Frameworks;
using Augur.Domain.Hardware;
using Augur.Domain.Models;
using Augur.Domain.Workloads;
using Augur.Units;

namespace Augur.CostModels.Inference;

/// <summary>
/// Serving physics for one (model, cluster, job, weight precision): weights and KV cache per GPU, memory and
/// capacity, and the time of one forward pass: the shared <see cref="PassComposer"/> over every layer plus the
/// calibrated per-iteration overhead. Prefill, decode, the steady-state
/// estimate (<see cref="Estimate"/>) and the simulator's adapter all go through <see cref="Iteration"/>.
/// Built once per scenario.
/// </summary>
public sealed partial class InferenceModel
{
    static readonly double ActivationBytes = PrecisionRules.ActivationBytes;

    readonly ModelSpec _m;
    readonly InferenceJob _job;
    /// <summary>The sampler's bytes per vocabulary entry per sampled token beyond the head's pass (<see cref="SamplerTraffic"/>).</summary>
    readonly double _samplerBytes;
    readonly HardwareCalibration _cal;
    readonly DeviceRates _rates;
    readonly Fabric _fabric;
    readonly LayerCost _layer;
    readonly PassComposer _pass;
    readonly ParameterCount _params;
    readonly double _weightBytes, _expertWeightBytes;
    readonly DeviceRates _expertRates;
    readonly double _dispatchBytes;
    /// <summary>Host time to issue every layer of an eager step on this host, seconds (0 with CUDA graphs).</summary>
    readonly double _eagerIssue;

    public InferenceModel(ModelSpec model, Cluster cluster, InferenceJob job, Precision weightPrecision, HardwareCalibration calibration)
    {
        _m = model;
        _job = job;
        _samplerBytes = SamplerTraffic.ExtraBytesPerVocabEntry(job.Sampling);
        _cal = calibration;
        Cluster = cluster;
        WeightPrecision = weightPrecision;
        // Attention runs on the cached K/V in their stored format, whatever the GEMM precision.
        var attention = PrecisionRules.Attention(cluster.Accelerator, job.KvPrecision);
        // The engine's own measured linear layers time the GEMMs whose weights are stored in their GEMM's precision (the
        // kernel the table ran); weight-only quantized ones run another kernel and keep the calibration. The routed experts do
        // not take the Linear table: the engine's grouped expert GEMM is not a dense Linear per expert (KernelValidator's
        // MoE-layer check); they take the engine's measured fused MoE layer where the set has one (EngineMoe).
        var engine = job.EngineLinear is { } measured ? EngineLinear.Of(measured) : null;
        var expertPrecision = job.ExpertGemm(weightPrecision);
        var layerWeights = job.LayerWeights(weightPrecision);
        var expertWeights = job.ExpertWeights(weightPrecision);
        _rates = new DeviceRates(cluster.Accelerator, calibration, weightPrecision, attention, engine: engine, engineGemms: layerWeights == WeightFormat.Of(weightPrecision));
        // The routed experts take the engine's measured fused MoE layer where its table holds their precision and their weights
        // are stored in it; weight-only quantized experts run another kernel.
        var fusedMoe = job.EngineLinear is { } kernels && expertWeights == WeightFormat.Of(expertPrecision) ? EngineMoe.Of(kernels) : null;
        _expertRates = new DeviceRates(cluster.Accelerator, calibration, expertPrecision, attention, moe: fusedMoe);
        // Weight-only quantization: the GEMMs run at their precision's rate and read the weights at their stored size.
        _weightBytes = layerWeights.BytesPerWeight;
        _expertWeightBytes = expertWeights.BytesPerWeight;
        _layer = new LayerCost(model, ActivationBytes, _weightBytes, _expertWeightBytes);
        _pass = new PassComposer(model, _layer, _rates, _expertRates, cluster, calibration, engine: engine)
        {
            PeerAllReduceLatency = calibration.PeerAllReduceLatency?.Value,
        };
        _fabric = _pass.Fabric;
        _params = ParameterCounter.Count(model);
        // Token dispatch travels in the experts' GEMM precision when it is 8-bit or less (DeepEP FP8 dispatch, SGLang's
        // NVFP4 dispatch), combine in 16 bits.
        _dispatchBytes = Math.Min(ActivationBytes, expertPrecision.BytesPerElement());
        TokensPerStep = SpeculativeDecoding.ExpectedTokens(job.DraftTokens, job.Acceptance);
        // A latent-attention model's layers issue at their own, larger figure where the engine has one.
        var perLayer = model.Mla is not null && job.Limits.EagerHostPerMlaLayer > Seconds.Zero ? job.Limits.EagerHostPerMlaLayer : job.Limits.EagerHostPerLayer;
        _eagerIssue = job.CudaGraphs ? 0 : perLayer.Value * model.Layers * cluster.Accelerator.HostOpTime;
    }

    /// <summary>
    /// Prompt tokens one iteration of one attention group prefills: the engine's budget (vLLM max_num_batched_tokens,
    /// TensorRT-LLM max_num_tokens, SGLang chunked_prefill_size), or trtllm-bench's own for this layout and request.
    /// Decode tokens sharing the budget (vLLM, TensorRT-LLM) are not taken from it.
    /// </summary>
    public int PrefillChunkTokens(in InferenceLayout l) =>
        _job.Limits.BenchTuning is { } t ? Bench(t, l).MaxTokens : _job.Limits.TokenBudget;

    /// <summary>
    /// Most sequences the engine runs at once in one replica: its batch cap per attention group × dp_attention
    /// (trtllm-bench's max_batch_size is per pipeline micro-batch, so × pp); int.MaxValue / 2 when only the KV cache limits it.
    /// </summary>
    public int EngineBatchCap(in InferenceLayout l)
    {
        if (_job.Limits.BenchTuning is { } t) return (int)Math.Min(int.MaxValue / 2, (long)Bench(t, l).MaxBatch * l.Pp * l.DpAttention);
        return _job.Limits.MaxBatch is { } cap ? (int)Math.Min(int.MaxValue / 2, (long)cap * l.DpAttention) : int.MaxValue / 2;
    }

    (int MaxBatch, int MaxTokens) Bench(BenchTuning t, in InferenceLayout l) =>
        BenchSizing.Settings(t, _m, _params.Total, Cluster.Accelerator, WeightPrecision, _job.KvPrecision, l.Tp, l.Pp,
            _job.MemoryFraction, _job.InputTokens, _job.OutputTokens);

    public Cluster Cluster { get; }
    public Precision WeightPrecision { get; }
    public InferenceJob Job => _job;
    public ModelSpec Model => _m;

    /// <summary>Tokens one sequence verifies per decode step: γ drafts + 1. The draft model's own cost is ignored.</summary>
    public int VerifyTokensPerStep => _job.DraftTokens + 1;

    /// <summary>Expected tokens one decode step yields per sequence: (1 − α^(γ+1)) / (1 − α).</summary>
    public double TokensPerStep { get; }

    /// <summary>Prompt tokens each request actually prefills (prefix-cache hits skipped).</summary>
    public double UncachedPromptTokens => Math.Max(1.0, _job.InputTokens * (1 - _job.PrefixHitRate));

    /// <summary>
    /// Weight bytes one GPU holds (the most loaded stage): attention, dense MLP and shared experts / tp at the
    /// weight precision's stored size; routed experts / (tp·dp_attention) (= / (ep·etp)); embedding and LM head in
    /// <see cref="PrecisionRules.LmHead"/> / tp (both on the one stage when pp = 1, else the larger of the two).
    /// </summary>
    public Bytes WeightsPerGpu(in InferenceLayout l)
    {
        var stage = _params.Stage(l.Pp);
        return new Bytes(stage.LayersPerGpu(l.Tp) * _weightBytes + stage.RoutedExperts / l.GpusPerStage * _expertWeightBytes + stage.Edges / l.Tp * PrecisionRules.LmHeadBytes);
    }

    /// <summary>
    /// KV bytes one GPU stores per cached token of a sequence of its attention group:
    /// KvCache.BytesPerToken × KvCache.TensorParallelShare(tp) / pp (MLA is not sharded by TP).
    /// </summary>
    public Bytes KvBytesPerTokenPerGpu(in InferenceLayout l) =>
        new(KvCache.BytesPerToken(_m, _job.KvPrecision).Value * KvCache.TensorParallelShare(_m, l.Tp) / l.Pp);

    /// <summary>
    /// Activation workspace per GPU: one prefill chunk's hidden states, attention buffers and MLP intermediates,
    /// ≈ chunk·(8·d + 3·F_local)·2 bytes, where F_local is the widest MLP a token passes through on this GPU.
    /// </summary>
    public Bytes ActivationWorkspace(in InferenceLayout l)
    {
        double ffn = _m.Ffn;
        if (_m.Moe is { } moe) ffn = Math.Max(_m.DenseLayers > 0 ? _m.Ffn : 0, Math.Max((double)moe.SharedExperts * moe.SharedExpertFfn, (double)moe.TopK * moe.ExpertFfn));
        double perToken = 8.0 * _m.Hidden + 3.0 * ffn / l.Tp;
        return new Bytes(PrefillChunkTokens(l) * perToken * ActivationBytes);
    }

    /// <summary>Runtime memory: the calibrated reserve (context, communicators) plus fragmentation of the workspace.</summary>
    public Bytes Runtime(in InferenceLayout l) => _cal.RuntimeReserve + ActivationWorkspace(l) * _cal.Fragmentation;

    /// <summary>HBM × the engine's memory fraction: what weights, workspace, runtime and KV cache share on one GPU.</summary>
    public Bytes UsableMemoryPerGpu => Cluster.Accelerator.HbmCapacity * _job.MemoryFraction;

    /// <summary>HBM × memory fraction − weights − activation workspace − runtime: what is left for the KV cache on one GPU.</summary>
    public Bytes UsableKvBytesPerGpu(in InferenceLayout l) =>
        UsableMemoryPerGpu - WeightsPerGpu(l) - ActivationWorkspace(l) - Runtime(l);

    /// <summary>Tokens the KV cache of one attention group holds: all the memory left, or the KV side of an engine's split pool.</summary>
    public long KvCapacityTokensPerAttentionGroup(in InferenceLayout l) =>
        (long)Math.Max(0, Math.Floor(UsableKvBytesPerGpu(l).Value * (1 - SplitStateShare) / KvBytesPerTokenPerGpu(l).Value));

    /// <summary>Share of the memory left that an engine keeps for linear-attention state apart from the KV cache; 0 without one.</summary>
    double SplitStateShare => _m.LinearAttention is not null && _job.Limits.StatePool is { } pool ? pool.StateShare : 0;

    /// <summary>
    /// Sequences per replica the linear-attention state allows, whatever their lengths: the slots of an engine's state pool
    /// over the slots each request holds, or (one shared pool) <see cref="MaxConcurrency"/>; null without linear attention.
    /// A request-level simulation admits by KV blocks, so this caps its batch.
    /// </summary>
    public int? StateLimitedSequences(in InferenceLayout l)
    {
        double state = StateBytesPerSequencePerGpu(l).Value;
        if (state <= 0) return null;
        if (_job.Limits.StatePool is not { } pool) return MaxConcurrency(l);
        return (int)Math.Min(int.MaxValue / 2, pool.StateRequests(Math.Max(0, UsableKvBytesPerGpu(l).Value), state)) * l.DpAttention;
    }

    /// <summary>Tokens the KV cache of one replica holds (all its attention groups).</summary>
    public long KvCapacityTokens(in InferenceLayout l) => KvCapacityTokensPerAttentionGroup(l) * l.DpAttention;

    /// <summary>
    /// Most concurrent sequences per replica: each attention group holds ⌊capacity / reserved⌋ (see
    /// <see cref="ReservedTokensPerSequence"/>): every sequence reserves its full final length (TensorRT-LLM style; a
    /// paged cache at average occupancy fits more).
    /// </summary>
    public int MaxConcurrency(in InferenceLayout l)
    {
        double state = StateBytesPerSequencePerGpu(l).Value;
        double usable = Math.Max(0, UsableKvBytesPerGpu(l).Value), kv = ReservedTokensPerSequence * KvBytesPerTokenPerGpu(l).Value;
        double perGroup = state <= 0 ? Math.Floor(KvCapacityTokensPerAttentionGroup(l) / ReservedTokensPerSequence)
            : _job.Limits.StatePool is { } pool ? pool.Requests(usable, state, kv)
            : Math.Floor(usable / (kv + state));
        return (int)Math.Min(int.MaxValue / 2, perGroup) * l.DpAttention;
    }

    /// <summary>
    /// The fixed state one sequence holds on one GPU in linear-attention layers, beside its KV cache: the stage's share of
    /// those layers × <see cref="LinearAttentionSpec.StateBytes"/> / tp (heads split over TP): the recurrent state in the
    /// precision the checkpoint declares, which vLLM and SGLang both keep by default, and the convolution's inputs in 16
    /// bits. Zero without linear attention.
    /// </summary>
    public Bytes StateBytesPerSequencePerGpu(in InferenceLayout l) =>
        _m.LinearAttention is { } lin ? new(lin.Layers / (double)l.Pp * lin.StateBytes(ActivationBytes) / l.Tp) : Bytes.Zero;

    /// <summary>
    /// KV tokens a running sequence reserves on average: input + (1 + cv²)·output. With varied outputs the sequences
    /// running at any moment are the long ones more often (each holds its slot for its length), so their mean final
    /// output is E[o²]/E[o]; fixed lengths give input + output.
    /// </summary>
    public double ReservedTokensPerSequence => _job.InputTokens + _job.OutputTokens * LengthDistribution.SizeBias(_job.OutputTokensCv);

    /// <summary>Memory per GPU with <paramref name="sequences"/> concurrent sequences per replica (full-length reservations).</summary>
    public MemoryBreakdown Memory(in InferenceLayout l, int sequences)
    {
        double perGroup = Math.Ceiling((double)sequences / l.DpAttention);
        var kv = KvBytesPerTokenPerGpu(l) * (perGroup * ReservedTokensPerSequence) + StateBytesPerSequencePerGpu(l) * perGroup;
        return new MemoryBreakdown(WeightsPerGpu(l), default, default, ActivationWorkspace(l), default, kv, Runtime(l));
    }

    public bool Fits(in InferenceLayout l, in MemoryBreakdown mem) =>
        mem.Total <= UsableMemoryPerGpu && UsableKvBytesPerGpu(l).Value > 0;

    /// <summary>
    /// One forward pass of one replica under continuous batching: <paramref name="prefillTokens"/> prompt tokens
    /// of <paramref name="prefillSequences"/> prompts attending <paramref name="prefillContextSum"/> tokens in all,
    /// plus <paramref name="decodeSequences"/> sequences each verifying <see cref="VerifyTokensPerStep"/> tokens over
    /// a cache of <paramref name="decodeContextSum"/> tokens in all; logits for every decode token and the last
    /// token of each prompt.
    /// <para>
    /// The work is spread over "slots": the replica's attention groups (data-parallel attention) times its
    /// pipeline micro-batches. With pipeline parallelism the engine keeps one micro-batch per stage in flight
    /// (vLLM virtual engines, TensorRT-LLM and SGLang pipeline micro-batching), so the whole batch advances in
    /// the time one micro-batch takes through every stage. A prompt's chunk and a sequence are never split, so
    /// the pass takes as long as its most loaded slot: one prompt alone runs on one group through every stage;
    /// fewer sequences than slots leave slots idle. All slots' tokens meet in the MoE layers.
    /// </para>
    /// </summary>
    public IterationCost Iteration(in InferenceLayout l, double prefillTokens, double prefillContextSum,
        double decodeSequences, double decodeContextSum, double prefillSequences, double nicShare = 0)
    {
        double prompts = prefillTokens > 0 ? Math.Max(1, prefillSequences) : 0;
        double micro = Math.Clamp(Math.Floor(decodeSequences) + prompts, 1, l.Pp);
        double slots = l.DpAttention * micro;
        double q = VerifyTokensPerStep;
        double prefillShare = prompts > 0 ? 1.0 / Math.Min(slots, prompts) : 0;
        double decodeShare = decodeSequences > 0 ? Math.Max(1, decodeSequences / slots) / decodeSequences : 0;
        double tokens = prefillTokens * prefillShare + decodeSequences * decodeShare * q;
        double prefillAttended = prefillContextSum * prefillShare, decodeAttended = decodeContextSum * decodeShare * q;
        double attended = prefillAttended + decodeAttended;
        double latentShare = attended > 0 ? decodeAttended / attended : 0;
        // The micro-batch carrying the prompts feeds the MoE layers with its share of the decodes plus its prompts:
        // all of them while they fit its attention groups, an even 1/micro share once they fill every slot.
        double promptShare = prompts > 0 ? Math.Max(1 / micro, Math.Min(1, l.DpAttention / prompts)) : 0;
        double microBatchTokens = decodeSequences * q / micro + prefillTokens * promptShare;
        double activeSlots = tokens > 0 ? Math.Max(1, microBatchTokens / tokens) : 1;
        // Micro-batches the most loaded attention group has work in: its last stage runs the LM head once for each.
        double groupMicro = Math.Clamp(Math.Ceiling(decodeSequences / l.DpAttention) + Math.Ceiling(prompts / l.DpAttention), 1, micro);
        return Forward(l, new PassLoad
        {
            Tokens = tokens, AttendedSum = attended, KvReadTokens = decodeContextSum * decodeShare,
            LogitTokens = decodeSequences * decodeShare * q + prompts * prefillShare, ActiveGroups = activeSlots, NicShare = nicShare,
            LatentShare = latentShare, PrefillShare = tokens > 0 ? prefillTokens * prefillShare / tokens : 0, MicroBatches = groupMicro,
            ScheduledSequences = (decodeSequences + prompts) / l.DpAttention,
        });
    }

    /// <summary>Decode step of one replica: <paramref name="sequences"/> sequences at average context <paramref name="context"/>.</summary>
    public IterationCost DecodeStep(in InferenceLayout l, double sequences, double context, double nicShare = 0) =>
        Iteration(l, 0, 0, sequences, sequences * context, 0, nicShare);

    /// <summary>
    /// Steady-state prefill iteration with a full queue of prompts (<see cref="MaxPromptsPerIteration"/>): each
    /// uncached token attends the cached prefix plus the causal part of its own prompt. A disaggregated prefill
    /// pool works this way under load.
    /// </summary>
    public IterationCost PrefillIteration(in InferenceLayout l, out double promptsPerReplica)
    {
        double u = UncachedPromptTokens;
        promptsPerReplica = MaxPromptsPerIteration(l);
        return Iteration(l, promptsPerReplica * u, promptsPerReplica * u * PrefillAttended(u), 0, 0, promptsPerReplica);
    }

    /// <summary>
    /// Most prompts one iteration prefills: ⌊chunk / uncached⌋ (at least 1) per attention group and pipeline
    /// micro-batch.
    /// </summary>
    double MaxPromptsPerIteration(in InferenceLayout l) =>
        Math.Max(1, Math.Floor(PrefillChunkTokens(l) / UncachedPromptTokens)) * l.DpAttention * l.Pp;

    /// <summary>One prompt prefilled alone on one attention group through every stage (the queueing-free TTFT).</summary>
    public IterationCost PrefillAlone(in InferenceLayout l)
    {
        double u = UncachedPromptTokens;
        return Iteration(l, u, u * PrefillAttended(u), 0, 0, 1);
    }

    /// <summary>
    /// Keys an uncached prompt token attends on average: the cached prefix plus half its own uncached part. Prompts of
    /// varied length (coefficient of variation cv) weight long ones by their tokens, and a long prompt's tokens attend
    /// more keys: the mean over tokens is E[L²]/E[L] = (1 + cv²)·E[L] times the same fractions.
    /// </summary>
    double PrefillAttended(double uncached) =>
        ((_job.InputTokens - uncached) + uncached / 2.0) * LengthDistribution.SizeBias(_job.InputTokensCv) + 0.5;

    /// <summary>
    /// Average tokens a decoding sequence attends: its prompt plus half its output, c̄ = input + o/2. With varied output
    /// lengths a sequence holds its slot for o steps, so the slots' mean is E[o²]/(2E[o]) = (1 + cv²)·o/2 past the
    /// prompt (prompt and output lengths taken as independent).
    /// </summary>
    double AverageContext => _job.InputTokens + _job.OutputTokens / 2.0 * LengthDistribution.SizeBias(_job.OutputTokensCv);

    /// <summary>
    /// The one serving forward pass, for the load <paramref name="p"/> of the most loaded attention group (see
    /// <see cref="PassLoad"/>): every layer through every stage (they run one after another), the LM head, TP
    /// all-reduces, EP dispatch + combine and stage hops as <see cref="PassComposer"/> composes them for training too;
    /// then the pipelined micro-batches' extra heads, the per-iteration overhead and the bound label.
    /// </summary>
    IterationCost Forward(in InferenceLayout l, in PassLoad p)
    {
        double tokens = p.Tokens, logitTokens = p.LogitTokens, microBatches = p.MicroBatches, prefillShare = p.PrefillShare;
        if (tokens <= 0) return new IterationCost { Compute = default, TensorParallel = Seconds.Zero, ExpertParallel = Seconds.Zero, PipelineP2P = Seconds.Zero, Overhead = IterationOverhead(p.ScheduledSequences, 0, issuesLayers: false), FlopBound = Seconds.Zero, ByteBound = Seconds.Zero };
        double context = p.AttendedSum / tokens;
        var keys = AttentionSpan.Decode(_m, context);
        // A decoding sequence reads, per softmax layer, the cached tokens that layer attends: windows, chunks and DSA's top-k fewer.
        var kvBytesPerLayer = KvCache.BytesPerTokenPerLayer(_m, _job.KvPrecision, l.Tp) * (p.KvReadTokens * AttentionSpan.DecodeReadShare(_m, context));

        double moeTokens = tokens * p.ActiveGroups;
        double visits = 0, touched = 0, touchedTotal = 0, imbalance = 1;
        if (_m.Moe is { } moe)
        {
            // The busiest expert-parallel rank sets the pace of the expert GEMMs and of the exchange.
            imbalance = ExpertRouting.RankFactor(_job.Routing, moe.Experts, moe.TopK, l.Ep, moeTokens);
            visits = moeTokens * moe.TopK / l.Ep * imbalance;
            touchedTotal = ExpertRouting.TouchedExperts(_job.Routing, moe.Experts, moe.TopK, moeTokens);
            touched = touchedTotal / l.Ep;
        }
        // The group's decoding sequences (each verifying VerifyTokensPerStep queries) and the keys each reads per softmax layer.
        double decodeSequences = tokens * (1 - prefillShare) / VerifyTokensPerStep;
        double decodeKeys = decodeSequences > 0 ? p.KvReadTokens * AttentionSpan.DecodeReadShare(_m, context) / decodeSequences : 0;
        var shape = new LayerShape
        {
            Tokens = tokens, FullContext = keys.Full, WindowContext = keys.Window, ChunkContext = keys.Chunk, SparseContext = keys.Sparse,
            DecodeShare = 1 - p.PrefillShare, CachedTokens = p.KvReadTokens, DecodeSequences = decodeSequences, DecodeKeys = decodeKeys,
            Tp = l.Tp, Etp = l.Etp, Kernel = AttentionKernel.Flash,
            ExpertTokenVisits = visits, ExpertsTouched = touched, ExpertsPerRank = _m.Moe is { } held ? (double)held.Experts / l.Ep : 0, KvBytesPerLayer = kvBytesPerLayer, LatentAttentionShare = p.LatentShare,
        };
        // Each token goes to every GPU holding a shard of one of its experts: min(top-k, ep) expert-parallel ranks × etp
        // shards each (ep = 1 with DP attention is an all-gather of every group's tokens), and the partial outputs come
        // back the same way. The exchange spans all GPUs of the stage. Prefill tokens go through throughput kernels (a
        // token once per remote domain), decode tokens through low-latency kernels (every expert copy straight over the
        // network): Collectives.ExpertExchange.
        TokenExchange? exchange = null;
        if (_m.Moe is { } moe2 && (l.Ep > 1 || l.DpAttention > 1))
        {
            // The exchange moves at the pace of its busiest rank: the most loaded group's own tokens plus the busiest
            // receiver's excess over the mean received, (imbalance − 1) × the stage's tokens over its GPUs. With every
            // group active that is imbalance × the mean; a lone sequence's few copies scatter and add little.
            double busiest = 1 + (imbalance - 1) * moeTokens * l.Tp / (l.GpusPerStage * tokens);
            exchange = new TokenExchange
            {
                TokensPerRank = tokens / l.Tp, Copies = Math.Min(moe2.TopK, l.Ep) * l.Etp, Ranks = l.GpusPerStage, Stride = 1,
                DispatchBytesPerElement = _dispatchBytes, Busiest = busiest, ThroughputShare = prefillShare, LinkShare = p.NicShare,
            };
        }
        var pass = _pass.Compose(new StagePass
        {
            Shape = shape, DenseLayers = _m.DenseLayers, MoeLayers = _m.MoeLayers, LogitTokens = logitTokens,
            StageHops = l.Pp - 1, StageGpus = l.GpusPerStage, Experts = exchange,
        });
        var compute = pass.Forward;
        if (logitTokens > 0)
        {
            var head = pass.Head;
            // Pipelined micro-batches move at the pace of the busiest stage, the last one, which also runs the LM
            // head for each of them: a pass takes max(one micro-batch through every stage, micro × last stage).
            // With micro = pp that is L layers + pp heads, not L layers + one head.
            if (l.Pp > 1 && microBatches > 1 && head.Total.Value > 0)
            {
                double layers = compute.Total.Value, headTime = head.Total.Value, lastStage = layers / l.Pp + headTime;
                double extra = Math.Max(0, microBatches * lastStage - (layers + headTime));
                // The extra heads are time only: their FLOPs and weight reads are the same micro-batches' over again.
                compute += (head with { HardwareFlops = Flops.Zero, WeightBytes = Bytes.Zero }) * (extra / headTime);
            }
            compute += head;
            // The sampler runs once per sampled token after the last stage's head.
            if (_samplerBytes > 0) compute += _layer.Sampler(_rates, logitTokens, _samplerBytes);
        }
        // Bytes the pass must read per GPU: the weights its GEMMs read (untouched experts skipped), plus the KV cache.
        double weightBytes = compute.WeightBytes.Value;
        double kvBytes = kvBytesPerLayer.Value * _m.SoftmaxLayers + p.KvReadTokens * KvCache.IndexBytesPerToken(_m);
        // The routed experts' FLOPs run at their own precision's rate (expert_precision), the rest at the weights'.
        double expertFlops = _m.MoeLayers * _layer.RoutedExpertFlops(shape).Value;
        double flopSeconds = (compute.HardwareFlops.Value - expertFlops) / _rates.Gemm.PerSecond + expertFlops / _expertRates.Gemm.PerSecond;
        double byteSeconds = (weightBytes + kvBytes) / _rates.Memory.BytesPerSecond;
        var overhead = IterationOverhead(p.ScheduledSequences, (compute.Total + pass.TensorParallel + pass.ExpertParallel + pass.PipelineP2P).Value);
        return new IterationCost
        {
            Compute = compute, TensorParallel = pass.TensorParallel, ExpertParallel = pass.ExpertParallel, PipelineP2P = pass.PipelineP2P,
            Overhead = overhead, FlopBound = new(flopSeconds), ByteBound = new(byteSeconds),
            WeightBytes = new(weightBytes), KvBytes = new(kvBytes), ExpertImbalance = imbalance,
        };
    }

    /// <summary>
    /// The per-iteration time outside the GPU's work: the calibrated overhead (fitted on TensorRT-LLM rows) plus the
    /// engine's host time per sequence × the sequences one attention group's scheduler handles (each data-parallel
    /// attention rank runs its own), on this host (<see cref="Accelerator.HostPythonTime"/>: the figures are x86 ones, and the
    /// loop is Python bookkeeping, not operator launches). An engine that schedules between GPU steps pays all of it; an
    /// overlap-scheduled one (TensorRT-LLM, SGLang, vLLM with async scheduling) only what exceeds the GPU's
    /// <paramref name="gpuSeconds"/>.
    /// An eager step (<see cref="InferenceJob.CudaGraphs"/> false) also waits for the host to issue its layers: the host
    /// runs ahead of the GPU within the step, so the GPU idles only for what the issue time exceeds its own (stages run one
    /// after another, so all layers against the whole pass; a latent-attention model's layers at their own, larger figure);
    /// those are operator launches (<see cref="Accelerator.HostOpTime"/>).
    /// </summary>
    Seconds IterationOverhead(double scheduledSequences, double gpuSeconds, bool issuesLayers = true)
    {
        double host = _job.Limits.HostPerSequence.Value * scheduledSequences * Cluster.Accelerator.HostPythonTime;
        double eager = issuesLayers ? Math.Max(0, _eagerIssue - gpuSeconds) : 0;
        return _cal.ServingIterationOverhead + new Seconds((_job.Limits.HostOverlapsGpu ? Math.Max(0, host - gpuSeconds) : host) + eager);
    }

    /// <summary>
    /// Moving one prompt's KV cache (uncached tokens × KV bytes per token) from a prefill to a decode replica,
    /// spread over the tp·pp GPUs of the attention group, over the scale-out NICs — or scale-up when the whole
    /// deployment fits one domain.
    /// </summary>
    public double KvTransferSeconds(in InferenceLayout l, double promptTokens, int deploymentGpus)
    {
        double bytes = promptTokens * KvCache.BytesPerToken(_m, _job.KvPrecision).Value / (l.Tp * l.Pp);
        var tier = KvTier(deploymentGpus);
        return bytes / tier.BytesPerSecond + tier.LatencySeconds;
    }

    /// <summary>The tier KV transfers use: scale-up when the whole deployment sits in one domain, else scale-out.</summary>
    NetworkTier KvTier(int deploymentGpus) => KvOnScaleUp(deploymentGpus) ? _fabric.ScaleUp : _fabric.ScaleOut;

    bool KvOnScaleUp(int deploymentGpus) => deploymentGpus <= _fabric.DomainSize;

    /// <summary>
    /// Whether incoming KV competes with the expert exchange: only when both use the same tier (an exchange inside
    /// one scale-up domain runs on NVLink while the KV arrives over the NICs).
    /// </summary>
    bool KvSharesExpertTier(in InferenceLayout l, int deploymentGpus)
    {
        bool expertScaleUp = _fabric.MembersPerDomain(l.GpusPerStage, 1) >= l.GpusPerStage;
        return KvOnScaleUp(deploymentGpus) == expertScaleUp;
    }
}
