using Augur.CostModels.Analysis;
using Augur.CostModels.Communication;
using Augur.CostModels.Compute;
using Augur.CostModels.Memory;
using Augur.CostModels.Operators;
using Augur.Domain.Hardware;
using Augur.Domain.Models;
using Augur.Domain.Parallelism;
using Augur.Domain.Workloads;
using Augur.Units;

namespace Augur.CostModels.Training;

/// <summary>
/// Costs training layouts for one (model, cluster, job): a stage's forward and backward pass of one micro-batch
/// from the shared <see cref="PassComposer"/> (layers, LM head, TP, CP, EP and PP communication), then
/// 1F1B/interleaved pipeline bubbles, data-parallel overlap and the optimizer step. Built once per scenario; <see cref="Estimate"/>
/// allocates nothing, so the planner can call it hundreds of thousands of times a second.
/// </summary>
public sealed class TrainingModel
{
    /// <summary>Adam step traffic per parameter: read fp32 master, m, v, grad (16 B), write master, m, v and bf16 weight (14 B).</summary>
    const double OptimizerBytesPerParam = 30;

    readonly ModelSpec _m;
    readonly TrainingJob _job;
    readonly HardwareCalibration _cal;
    readonly DeviceRates _rates;
    readonly Fabric _fabric;
    readonly PassComposer _pass;
    readonly ParameterCount _params;
    readonly double _modelFlopsPerStep;
    readonly double _activationBytes;
    readonly int _sites;
    readonly AttendedKeys _keys;
    readonly QuantizationTraffic _quantization;
    readonly HostIssueCost _host;
    /// <summary>Expert rows per token (<see cref="ExpertCapacity.RowsPerToken"/>), a capacity-bound layer's slots per sequence, and a
    /// multi-token-prediction depth's projection and layer FLOPs per token: the scenario's, worked out once.</summary>
    readonly double _rowsPerToken, _einsumSlots, _mtpProjectionFlops, _mtpLayerFlops;
    /// <summary>The share of the parameters that train: the adapters' under LoRA, else all.</summary>
    readonly double _trainableShare = 1;

    public TrainingModel(ModelSpec model, Cluster cluster, TrainingJob job, HardwareCalibration calibration)
    {
        _m = model;
        _job = job;
        _cal = calibration;
        Cluster = cluster;
        _sites = cluster.Sites;
        _rates = new DeviceRates(cluster.Accelerator, calibration, job.Precision,
            PrecisionRules.Attention(cluster.Accelerator, job.Fp8Attention ? Precision.FP8 : PrecisionRules.TrainingKeysAndValues(job.Precision)), job.AttentionKernel)
        {
            Linear = TrainingGemms.On(calibration, cluster.Accelerator, job.Precision),
        };
        _activationBytes = PrecisionRules.ActivationBytes;
        // Weights are read in 16 bits (the master copy's BF16 shadow); FP8 applies to the GEMM inputs (Transformer Engine recipe).
        _quantization = QuantizationTraffic.ForTraining(job.Precision);
        _pass = new PassComposer(model, new LayerCost(model, _activationBytes, TrainingMemory.WeightBytes), _rates, _rates, cluster, calibration, _quantization) { Lora = job.Lora, Loss = job.Loss };
        _fabric = _pass.Fabric;
        _params = job.ReplicatedLinearAttention ? ParameterCounter.Count(model).WithReplicatedLinearAttention(model) : ParameterCounter.Count(model);
        Flops = FlopCounter.ForSequence(model, job.AttendedLength);
        _keys = AttentionSpan.Causal(model, job.AttendedLength);
        // A compiled step (XLA) issues no module's work from the host.
        _host = HostIssueCost.For(calibration.CompiledStep ? null : calibration.Host, job.CudaGraphs, cluster.Accelerator.HostOpTime);
        _modelFlopsPerStep = (Flops.Training + 3 * MtpForwardFlopsPerToken(model, Flops) * job.MtpLayers) * job.TokensPerStep;
        if (job.Lora is not null)
        {
            // A frozen base skips every weight gradient: one forward's worth of the linear layers' FLOPs (core attention has none).
            _modelFlopsPerStep -= (Flops.Forward - Flops.AttentionCore) * job.TokensPerStep;
            _trainableShare = TrainingMemory.TrainableShare(model, _params, job);
        }
        _rowsPerToken = model.Moe is { } moe ? ExpertCapacity.RowsPerToken(moe, job) : 0;
        _einsumSlots = model.Moe is { } slotted && job.ExpertCapacityFactor is { } cf ? ExpertCapacity.SlotsPerSequence(slotted, job.SeqLen, cf) : 0;
        _mtpProjectionFlops = MtpProjectionFlops(model);
        _mtpLayerFlops = MtpLayerFlops(model, Flops);
    }

    /// <summary>
    /// Forward FLOPs per token of one multi-token-prediction depth (DeepSeek-V3 §2.2; Megatron-core's MultiTokenPredictionLayer,
    /// megatron/core/transformer/multi_token_prediction.py @ core_v0.14.0 23e00ed0: enorm, hnorm, eh_proj, one transformer
    /// layer, final norm, then the model's output layer and loss again): its projection of the concatenated hidden state and
    /// next token's embedding (2·2d·d), one layer of the last layer's kind and the output layer.
    /// </summary>
    static double MtpForwardFlopsPerToken(ModelSpec m, in FlopsPerToken f) => MtpProjectionFlops(m) + MtpLayerFlops(m, f) + f.Logits;

    /// <summary>
    /// Forward FLOPs per token of a multi-token-prediction depth's layer: an average layer's attention and the MLP of the
    /// model's last layer, routed and shared experts with the router when it is an MoE layer (<see cref="ModelSpec.LastLayerIsMoe"/>).
    /// </summary>
    static double MtpLayerFlops(ModelSpec m, in FlopsPerToken f) =>
        (f.AttentionProjections + f.AttentionCore) / m.Layers
        + (m.LastLayerIsMoe ? (f.RoutedExperts + f.SharedExperts + f.Router) / m.MoeLayers : f.DenseMlp / Math.Max(1, m.DenseLayers));

    static double MtpProjectionFlops(ModelSpec m) => 2.0 * 2 * m.Hidden * m.Hidden;

    public Cluster Cluster { get; }
    public FlopsPerToken Flops { get; }
    public ParameterCount Parameters => _params;
    public double ModelFlopsPerStep => _modelFlopsPerStep;

    public int MicroBatches(in ParallelLayout l) => _job.GlobalBatch / (l.Dp * l.MicroBatch);

    public MemoryBreakdown Memory(in ParallelLayout l) =>
        TrainingMemory.Estimate(_m, _params, _job, SiteLayout(l), _cal, MicroBatches(l));

    /// <summary>The same, reusing what <paramref name="reuse"/> kept from an earlier layout of this model that differs only in its ZeRO stage.</summary>
    public MemoryBreakdown Memory(in ParallelLayout l, ref MemoryReuse reuse) =>
        TrainingMemory.Estimate(_m, _params, _job, SiteLayout(l), _cal, MicroBatches(l), ref reuse);

    /// <summary>
    /// The part of a layout inside one site: its data-parallel replicas split over the sites, so ZeRO shards, gradient
    /// reduction and the optimizer step stay inside a site and only the cross-site exchange travels the WAN.
    /// </summary>
    public ParallelLayout SiteLayout(in ParallelLayout l) => _sites == 1 ? l : l with { Dp = l.Dp / _sites };

    /// <summary>
    /// Whether a layout's peak fits HBM and the optimizer share it keeps on the host fits the host memory a GPU has
    /// (<see cref="HostOptimizerBytes"/>).
    /// </summary>
    public bool Fits(in MemoryBreakdown mem, in ParallelLayout l) => Fits(mem, HostOptimizerBytes(l));

    bool Fits(in MemoryBreakdown mem, Bytes hostOptimizer) => HbmFits(mem) && HostFits(hostOptimizer);

    bool HbmFits(in MemoryBreakdown mem) => mem.Total <= Cluster.Accelerator.HbmCapacity;

    bool HostFits(Bytes hostOptimizer) => Cluster.Accelerator.HostMemory is not { } host || hostOptimizer <= host.Capacity;

    /// <summary>Host memory per GPU the offloaded optimizer share holds (<see cref="HostOptimizer.BytesPerParameter"/> per parameter).</summary>
    public Bytes HostOptimizerBytes(in ParallelLayout l) =>
        _job.OptimizerOffload == 0 ? Bytes.Zero : new(_job.OptimizerOffload * HostOptimizer.BytesPerParameter * LocalParameters(SiteLayout(l)));

    public TrainingEstimate Estimate(in ParallelLayout l) => Estimate(l, Memory(l));

    /// <summary>The same with the memory already worked out; the stage's per-layer costs are computed for this layout alone.</summary>
    public TrainingEstimate Estimate(in ParallelLayout l, in MemoryBreakdown mem) =>
        l.RecomputeLayers == 0 ? Estimate(l, mem, _pass.Compose(Pass(l))) : Estimate(l, mem, PartialRecompute(l));

    /// <summary>
    /// The same, reusing <paramref name="perLayer"/> when it holds the costs of this layout's layer shape (a search passes
    /// the one it kept from the previous layout; layouts that differ only in pp, vp, dp, ZeRO or recomputation share them).
    /// </summary>
    public TrainingEstimate Estimate(in ParallelLayout l, in MemoryBreakdown mem, ref LayerCosts perLayer) =>
        l.RecomputeLayers == 0 ? Estimate(l, mem, _pass.Compose(Pass(l), ref perLayer)) : Estimate(l, mem, PartialRecompute(l));

    /// <summary>
    /// The pass of a layout that fully recomputes some of each chunk's layers (<see cref="ParallelLayout.RecomputeLayers"/>):
    /// the full-recompute pass in their share and the plain one in the rest.
    /// </summary>
    PassCost PartialRecompute(in ParallelLayout l)
    {
        var pass = _pass.Compose(Pass(l));
        double share = RecomputeShare(l);
        return share is > 0 and < 1 ? PassCost.Mix(pass, _pass.Compose(Pass(NoRecompute(l))), share) : pass;
    }

    /// <summary>
    /// The share of each model chunk's layers full recomputation reruns (<see cref="ParallelLayout.RecomputeLayers"/>), on
    /// the first rank's first chunk as the memory model counts it (<see cref="PipelineSplit.FirstChunkLayers"/>).
    /// </summary>
    double RecomputeShare(in ParallelLayout l) => l.RecomputeShare(PipelineSplit.Of(_m.Layers, l.Pp, l.Vp).FirstChunkLayers);

    static ParallelLayout NoRecompute(in ParallelLayout l) => l with { Recompute = Recompute.None, RecomputeLayers = 0 };

    /// <summary>
    /// A forward-only pass over the step's micro-batches (log-probabilities, values): each micro-batch's forward through
    /// the busiest stage as the pass composer costs it with no backward and no recomputation (its compute, its wait on the
    /// host, and its tensor-, context-, expert- and pipeline-parallel exchanges, each in one direction), m of them plus the
    /// pipeline's fill and drain, (pp − 1)/vp more, and the low-precision weights' quantization once; no gradient reduction
    /// and no optimizer. A scoring pass reruns nothing:
    /// Megatron-core checkpoints a layer only while training (transformer_block.py: <c>recompute_granularity == 'full' and
    /// self.training</c>).
    /// </summary>
    public Seconds ForwardOnly(in ParallelLayout l)
    {
        var forward = NoRecompute(l);
        var pass = _pass.Compose(Pass(forward) with { Backward = false });
        double perMicroBatch = CriticalCompute(forward, pass) + pass.HostWait.Value + pass.TensorParallel.Value
                               + pass.ContextParallel.Value + pass.ExpertParallel.Value + pass.PipelineP2P.Value;
        return new(perMicroBatch * (MicroBatches(forward) + (l.Pp - 1.0) / l.Vp) + WeightQuantizeSeconds(l));
    }

    /// <summary>Layers of the busiest pipeline stage: the model's layers split evenly, rounded up.</summary>
    int StageLayers(in ParallelLayout l) => (_m.Layers + l.Pp - 1) / l.Pp;

    /// <summary>
    /// Multi-token-prediction depths the one stage runs itself: without pipelining, each a layer of the model's last layer's
    /// kind with its own TP and EP communication (with pipelining the last stage adds them outside the pass).
    /// </summary>
    int MtpInPass(in ParallelLayout l) => l.Pp == 1 ? _job.MtpLayers : 0;

    /// <summary>One micro-batch's forward and backward through the busiest stage of <paramref name="l"/>, as the pass composer costs it.</summary>
    StagePass Pass(in ParallelLayout l)
    {
        double tokens = (double)l.MicroBatch * _job.SeqLen / l.Cp;
        double imbalance = ExpertImbalance(l);
        bool gathers = _job.Dispatcher == ExpertDispatcher.AllGather;
        var shape = new LayerShape
        {
            Tokens = tokens, FullContext = _keys.Full, WindowContext = _keys.Window, ChunkContext = _keys.Chunk, SparseContext = _keys.Sparse,
            Tp = l.Tp, SequenceParallel = l.Sp, Etp = l.Etp, Kernel = _job.AttentionKernel, ReplicatedLinearAttention = _job.ReplicatedLinearAttention,
            ExpertTokenVisits = tokens * _rowsPerToken * l.Etp / l.Tp * imbalance,
            ExpertsTouched = _m.Moe is { } experts ? (double)experts.Experts / l.Ep : 0,
            EinsumSlots = _einsumSlots,
            SortsByLocalExpert = _m.Moe is { } sorted && sorted.Experts > l.Ep, AuxiliaryLoss = true,
            // A dropless dispatcher syncs with the host for its token counts, unless the step is compiled with static shapes.
            SyncsBeforeDispatch = _job.ExpertCapacityFactor is null && !_cal.CompiledStep,
        };

        int stageLayers = StageLayers(l);
        int moeLayers = _m.MoeLayersIn(stageLayers);
        int mtpHere = MtpInPass(l), mtpMoe = _m.MtpMoeLayers(mtpHere);
        return new StagePass
        {
            Shape = shape, DenseLayers = stageLayers - moeLayers + mtpHere - mtpMoe, MoeLayers = moeLayers + mtpMoe, Backward = true, Recompute = l.Recompute, Remat = _job.Remat,
            ContextParallel = l.Cp, ContextParallelComm = _job.ContextParallelComm, LogitTokens = tokens, StageHops = l.Pp > 1 ? l.Vp : 0, StageGpus = l.Tp * l.Cp * l.Dp,
            // Megatron's alltoall dispatcher sends one row per (token, expert) pair (MoEAlltoAllTokenDispatcher's input
            // splits count the routing map per expert, megatron/core/transformer/moe/token_dispatcher.py): all top-k
            // copies travel straight to their ranks in 16 bits, none forwarded. DeepEP's normal kernels send a token
            // once per remote node and forward it over NVLink there: the throughput path of Collectives.ExpertExchange.
            // The allgather dispatcher sends each token to every rank of the group once (ep copies, ep − 1 of them remote),
            // evenly whatever the routing.
            Experts = _m.Moe is not null ? new TokenExchange
            {
                TokensPerRank = tokens / (l.Sp ? l.Tp : 1), Ranks = l.Ep, Stride = l.Etp, DispatchBytesPerElement = _activationBytes,
                Copies = gathers ? l.Ep : _rowsPerToken, Busiest = gathers ? 1 : imbalance,
                ThroughputShare = _job.Dispatcher.DedupsByDomain() ? 1 : 0,
            } : null,
            Host = _host,
        };
    }

    /// <summary>The step of layout <paramref name="l"/> around its busiest stage's composed <paramref name="pass"/> (<see cref="Pass"/>).</summary>
    TrainingEstimate Estimate(in ParallelLayout l, in MemoryBreakdown mem, in PassCost pass)
    {
        int m = MicroBatches(l);
        double gemm = pass.Gemm.Value, attention = pass.Attention.Value, elementwise = pass.Elementwise.Value;
        double stageCompute = pass.Layers.Value; // with the MoE dispatcher's host stalls
        // The stage's layers forward, read once: each read of the LayerTime copies the whole struct.
        double stageForward = pass.Forward.Total.Value;
        double headTime = pass.HeadTime.Value;
        double criticalCompute = CriticalCompute(l, pass);
        double tpComm = pass.TensorParallel.Value, cpComm = pass.ContextParallel.Value, epComm = pass.ExpertParallel.Value, ppComm = pass.PipelineP2P.Value;

        double computeBound = (gemm + attention) / Math.Max(1e-30, stageCompute);
        double expertStep = !l.OverlapExperts ? epComm * m
            : ExpertOverlap.PerStep(epComm, criticalCompute, m, ExpertOverlap.LostShare(Cluster.Accelerator.Sms, computeBound));
        // The GPU's wait on the host to issue the stage's work (eager training; none with a full-iteration CUDA graph).
        double hostWait = pass.HostWait.Value;
        double perMicroBatch = criticalCompute + hostWait + tpComm + cpComm + expertStep / m + ppComm;
        double bubble = (l.Pp - 1.0) / l.Vp * perMicroBatch;
        // The pass splits into forward and backward as the critical stage's compute does (recomputation runs in the
        // backward; the output layer's forward is a third of its time).
        double layersForward = stageForward / Math.Max(1e-30, stageCompute);
        double forwardShare = criticalCompute == stageCompute ? layersForward
            : (layersForward * (criticalCompute - headTime) + pass.Head.Total.Value) / criticalCompute;

        var site = SiteLayout(l);
        var (dpComm, dpReduce) = DataParallel(site, m, stageCompute, stageForward,
            ExpertOverlap.LostShare(Cluster.Accelerator.Sms, computeBound, _cal.CollectiveSms));
        double optimizer = OptimizerStep(site);

        var breakdown = new StepBreakdown
        {
            Compute = new(criticalCompute * m + WeightQuantizeSeconds(l)), Bubble = new(bubble), TensorParallel = new(tpComm * m),
            ContextParallel = new(cpComm * m), ExpertParallel = new(expertStep), PipelineP2P = new(ppComm * m),
            DataParallel = new(dpComm), Optimizer = new(optimizer),
            HostOffload = OffloadSeconds(l, stageForward, stageCompute - stageForward, m),
            HostIssue = hostWait > 0 ? new Seconds(hostWait * m) : null,
        };
        CrossSiteEstimate? crossSite = null;
        if (_sites > 1)
        {
            crossSite = AcrossSites(breakdown.Total.Value, stageCompute - stageForward, dpReduce);
            breakdown = breakdown with { CrossSite = crossSite.Exposed };
        }
        double step = breakdown.Total.Value;
        double computeShare = m * (criticalCompute / Math.Max(1e-30, stageCompute + (l.Pp == 1 ? headTime : 0)));
        var split = new ComputeSplit { Gemm = new(gemm * computeShare), Attention = new(attention * computeShare), Elementwise = new(elementwise * computeShare) };

        int gpus = l.Gpus;
        double tokensPerSec = _job.TokensPerStep / step / gpus;
        double modelFlopsPerGpu = _modelFlopsPerStep / step / gpus;
        double hardwareFlops = _modelFlopsPerStep + RecomputeFlops(l) + pass.RecomputedFlops.Value * m * gpus;
        double peak = _rates.Peak.PerSecond;
        var hostOptimizer = HostOptimizerBytes(l);
        return new TrainingEstimate
        {
            Layout = l, StepTime = new(step), Breakdown = breakdown, ComputeSplit = split, Memory = mem, HostOptimizer = hostOptimizer,
            HbmFits = HbmFits(mem), HostFits = HostFits(hostOptimizer),
            TokensPerSecondPerGpu = tokensPerSec, ModelFlopRatePerGpu = new(modelFlopsPerGpu), Mfu = modelFlopsPerGpu / peak,
            Hfu = hardwareFlops / step / gpus / peak, MicroBatches = m, CrossSite = crossSite,
            MicroBatchForward = new(perMicroBatch * forwardShare), MicroBatchBackward = new(perMicroBatch * (1 - forwardShare)),
        };
    }

    /// <summary>
    /// One micro-batch's compute on the pipeline's slowest stage: the busiest stage's layers, or the last stage's share of
    /// them with the output layer and multi-token prediction (per depth its projection at the layer's pace and the head
    /// again, and with pipelining its layer, which is outside the composed pass) when that is slower.
    /// </summary>
    double CriticalCompute(in ParallelLayout l, in PassCost pass)
    {
        int stageLayers = StageLayers(l), mtpHere = MtpInPass(l);
        double stageCompute = pass.Layers.Value, headTime = pass.HeadTime.Value;
        double perLayerAvg = stageCompute / Math.Max(1, stageLayers + mtpHere);
        double projection = perLayerAvg * _mtpProjectionFlops / _mtpLayerFlops;
        double mtp = _job.MtpLayers * (projection + headTime) + (_job.MtpLayers - mtpHere) * perLayerAvg;
        double lastStage = (_m.Layers - (l.Pp - 1) * stageLayers) * perLayerAvg + headTime + mtp;
        return l.Pp == 1 ? stageCompute + headTime + mtp : Math.Max(stageCompute, lastStage);
    }

    /// <summary>
    /// Data parallelism across sites (<see cref="CrossSite"/>): each site's GPUs exchange the whole model once per
    /// synchronisation, 16-bit gradients every step when synchronous, pseudo-gradients in the outer precision every H
    /// steps with DiLoCo. A synchronous exchange hides behind the last micro-batch's backward after the in-site
    /// reduce-scatter has used its share; a DiLoCo exchange behind the backward and τ further inner steps.
    /// </summary>
    CrossSiteEstimate AcrossSites(double innerStep, double backward, double intraReduce)
    {
        var plan = _job.CrossSite;
        var wan = Cluster.ScaleAcross!;
        int sites = _sites, perSite = Cluster.Gpus / _sites;
        bool diloco = plan.Method == CrossSiteMethod.DiLoCo;
        double bytesPerParam = diloco ? plan.OuterBits / 8.0 : 2.0;
        double window = diloco ? backward + plan.OverlapSteps * innerStep
            : _job.OverlapDataParallel ? Math.Max(0, backward - intraReduce) : 0;
        var exchange = new CrossSiteExchange
        {
            Sites = sites, BytesPerGpu = _params.Total * bytesPerParam / perSite, Latency = wan.Latency?.Value ?? 0,
            Period = diloco ? plan.InnerSteps : 1, Fragments = diloco ? plan.Fragments : 1, Window = window,
        };
        double perGpu = wan.PerGpu.BytesPerSecond;
        double exposed = CrossSite.ExposedPerStep(exchange, perGpu);
        double? need = CrossSite.BandwidthFor(exchange, innerStep, 0.95);
        return new CrossSiteEstimate
        {
            Training = plan, Sites = sites, SiteBandwidth = wan.PerGpu * perSite, Latency = new(exchange.Latency),
            PerSiteExchange = new(2.0 * (sites - 1) / sites * _params.Total * bytesPerParam),
            Exchange = new(Collectives.AllReduceAcross(new NetworkTier(perGpu, exchange.Latency), exchange.BytesPerGpu / exchange.Fragments, sites)),
            StepWithoutWan = new(innerStep), Exposed = new(exposed), Utilization = CrossSite.Utilization(innerStep, exposed),
            BandwidthFor95 = need is { } b ? new Bandwidth(b * perSite) : null,
        };
    }

    /// <summary>
    /// Exposed time of activation offload over the host link (<see cref="TrainingMemory.OffloadBytes"/>): each micro-batch
    /// copies its offloaded activations to host memory during its forward and back during its backward, on copy streams
    /// beside the compute (TE's CPU-offload context), so only the part of a copy longer than the pass it overlaps is paid.
    /// Null when nothing is offloaded (and then not listed among the parts).
    /// </summary>
    Seconds? OffloadSeconds(in ParallelLayout l, double forward, double backward, int microBatches)
    {
        double bytes = TrainingMemory.OffloadBytes(_m, _job, l);
        if (bytes == 0 || Cluster.Accelerator.HostMemory is not { } host) return null;
        double copy = bytes / host.Bandwidth.BytesPerSecond;
        return new Seconds(microBatches * (Math.Max(0, copy - forward) + Math.Max(0, copy - backward)));
    }

    /// <summary>
    /// Quantizing the stage's layer weights once per step: Transformer Engine caches them across the step's
    /// micro-batches (Megatron-core sets <c>is_first_microbatch</c> on the first); the edges stay 16-bit.
    /// </summary>
    double WeightQuantizeSeconds(in ParallelLayout l)
    {
        if (_quantization.None) return 0;
        var stage = _params.Stage(l.Pp);
        return _quantization.WeightSeconds(_rates, stage.LayersPerGpu(l.Tp) + stage.RoutedPerGpu(l.Ep, l.Etp));
    }

    /// <summary>
    /// Load of the busiest expert-parallel rank of a micro-batch's MoE layer over the mean (ExpertRouting.BusiestRankFactor),
    /// which sets the layer's pace: the EP group routes the micro-batch tokens of its ep ranks, each rank's experts
    /// receiving tokens·k·etp/tp visits on average (the visits the layer shape counts). 1 for dense models, for
    /// force-balanced routing and for capacity-bound experts, which compute every slot however full.
    /// </summary>
    public double ExpertImbalance(in ParallelLayout l) => _m.Moe is { } moe && _job.ExpertCapacityFactor is null
        ? ExpertRouting.RankFactor(_job.Routing, moe.Experts, moe.TopK, l.Ep, (double)l.MicroBatch * _job.SeqLen / l.Cp * l.Ep * l.Etp / l.Tp)
        : 1;

    /// <summary>
    /// Extra forward FLOPs full or selective recomputation adds per step (counted in HFU, not MFU); recomputed modules
    /// add theirs in <see cref="Estimate(in ParallelLayout, in MemoryBreakdown)"/>.
    /// </summary>
    double RecomputeFlops(in ParallelLayout l) =>
        l.Recompute == Recompute.Full ? (Flops.Forward - Flops.Logits) * _job.TokensPerStep * RecomputeShare(l)
        : (l.Recompute & Recompute.Selective) != 0 ? Flops.AttentionCore * _job.TokensPerStep
        : 0;

    /// <summary>
    /// Exposed gradient/parameter traffic of one step. ZeRO-0 all-reduces gradients; ZeRO-1/2 reduce-scatter
    /// gradients (in the gradient buffer's precision, <see cref="TrainingMemory.GradientBytes"/>) and all-gather updated 16-bit weights; ZeRO-3 also gathers weights for every micro-batch's forward and
    /// backward. With overlap, gradient reduction hides behind the last micro-batch's backward and the weight
    /// gather behind the first micro-batch's forward; ZeRO-3 gathers hide behind each micro-batch. While an overlapped
    /// collective runs its kernels hold SMs the compute beside it loses (<paramref name="lost"/>, <see cref="ExpertOverlap.Beyond"/>).
    /// </summary>
    (double Exposed, double Reduce) DataParallel(in ParallelLayout l, int microBatches, double stageCompute, double stageForward, double lost)
    {
        var stage = _params.Stage(l.Pp);
        double denseParams = stage.SharedPerGpu(l.Tp);
        double expertParams = stage.RoutedPerGpu(l.Ep, l.Etp);
        // Gradients are reduced in their buffer's precision (Megatron-core DDP reduces grad_data in place, fp32 when
        // grad_reduce_in_fp32): the same bytes the memory model keeps. Updated weights are gathered in 16 bits.
        // Only the trainable share reduces gradients and gathers updated weights (LoRA: the adapters).
        double g = TrainingMemory.GradientBytes(_job) * _trainableShare, w = TrainingMemory.WeightBytes * _trainableShare;
        int shards = l.DataShards, expertDp = Math.Max(1, l.ExpertDp);
        double backward = stageCompute - stageForward;
        double reduce, gather;
        if (l.Zero == 0)
        {
            reduce = Collectives.AllReduce(_fabric, denseParams * g, shards, l.Tp)
                     + Collectives.AllReduce(_fabric, expertParams * g, expertDp, l.Ep * l.Etp);
            gather = 0;
        }
        else
        {
            reduce = Collectives.ReduceScatter(_fabric, denseParams * g, shards, l.Tp)
                     + Collectives.ReduceScatter(_fabric, expertParams * g, expertDp, l.Ep * l.Etp);
            gather = Collectives.AllGather(_fabric, denseParams * w, shards, l.Tp)
                     + Collectives.AllGather(_fabric, expertParams * w, expertDp, l.Ep * l.Etp);
        }
        if (l.Zero == 3)
        {
            // Per micro-batch: gather for forward, gather again for backward, reduce-scatter gradients.
            double fwdExposed = ExpertOverlap.Beyond(gather, stageForward, lost);
            // Gathered only after the next unit's gradients (BACKWARD_POST), each unit's gather runs alone before its
            // backward, ahead of the reduce-scatters that then overlap the units after it.
            double bwdExposed = _job.GatherAfterBackward ? gather + ExpertOverlap.Beyond(reduce, backward, lost)
                : ExpertOverlap.Beyond(gather + reduce, backward, lost);
            return (microBatches * (fwdExposed + bwdExposed), reduce);
        }
        if (!_job.OverlapDataParallel) return (reduce + gather, reduce);
        return (ExpertOverlap.Beyond(reduce, backward, lost) + ExpertOverlap.Beyond(gather, stageForward, lost), reduce);
    }

    /// <summary>Parameters one GPU's optimizer updates: its stage's share, sharded over data parallelism from ZeRO 1 (Megatron's distributed optimizer).</summary>
    double LocalParameters(in ParallelLayout l)
    {
        var stage = _params.Stage(l.Pp);
        double dense = stage.SharedPerGpu(l.Tp);
        double experts = stage.RoutedPerGpu(l.Ep, l.Etp);
        if (l.Zero >= 1) { dense /= l.DataShards; experts /= Math.Max(1, l.ExpertDp); }
        return (dense + experts) * _trainableShare;
    }

    /// <summary>The update: the GPU's share streams its state through HBM, the host's share runs as CPU Adam (<see cref="HostOptimizer"/>).</summary>
    double OptimizerStep(in ParallelLayout l)
    {
        double host = _job.OptimizerOffload;
        return LocalParameters(l) * ((1 - host) * OptimizerBytesPerParam / _rates.Memory.BytesPerSecond + host * HostOptimizer.SecondsPerParameter);
    }
}
