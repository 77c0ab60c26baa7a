using Augur.CostModels.Analysis;
using Augur.CostModels.Communication;
using Augur.CostModels.Compute;
using Augur.Domain.Hardware;
using Augur.Domain.Models;
using Augur.Domain.Parallelism;
using Augur.Domain.Workloads;
using Augur.Units;

namespace Augur.CostModels.Operators;

/// <summary>
/// The one composition of a stage's pass, for training and serving alike: the layers from <see cref="LayerCost"/>
/// (forward, and backward with recomputation), the LM head, and the TP, CP, EP and PP communication from
/// <see cref="Collectives"/> on the cluster's tiers. The pipeline schedule around the pass (1F1B bubbles, in-flight
/// serving micro-batches) stays with each caller. Built once per model; <see cref="Compose"/> allocates nothing.
/// </summary>
public sealed class PassComposer
{
    /// <summary>TP collectives per layer per direction: one after attention, one after the MLP (Megatron's f/g pair).</summary>
    const int TpCollectivesPerLayer = 2;

    /// <summary>
    /// TP collectives per average layer per direction of <paramref name="shape"/>. A linear-attention mixer replicated over TP
    /// (<see cref="LayerShape.ReplicatedLinearAttention"/>) has no reduction after it: with sequence parallelism its block
    /// gathers the input (forward; the split after it gathers the gradient backward), half an all-gather-plus-reduce-scatter
    /// pair each way; without, its input and output are already whole on every rank.
    /// </summary>
    double TpCollectives(in LayerShape shape) => shape.ReplicatedLinearAttention
        ? TpCollectivesPerLayer - _m.LinearLayerFraction * (shape.SequenceParallel ? 0.5 : 1)
        : TpCollectivesPerLayer;

    readonly ModelSpec _m;
    readonly LayerCost _layer, _head;
    readonly DeviceRates _rates, _expertRates, _headRates;
    readonly double _activationBytes;
    readonly QuantizationTraffic _quantization;

    /// <param name="layer">The layers' cost at the pass's weight precision.</param>
    /// <param name="rates">Rates of the layers' GEMMs and attention.</param>
    /// <param name="expertRates">Rates of the routed experts (the same as <paramref name="rates"/> unless they have their own precision).</param>
    /// <param name="engine">The serving engine's measured linear layers, which time the LM head too; null = the calibration.</param>
    public PassComposer(ModelSpec model, LayerCost layer, in DeviceRates rates, in DeviceRates expertRates, Cluster cluster, HardwareCalibration calibration,
        QuantizationTraffic quantization = default, EngineLinear? engine = null)
    {
        _m = model;
        _layer = layer;
        _quantization = quantization;
        _rates = rates;
        _expertRates = expertRates;
        _activationBytes = PrecisionRules.ActivationBytes;
        // The LM head's weights and GEMM use PrecisionRules.LmHead whatever the layers' precision.
        _headRates = new DeviceRates(cluster.Accelerator, calibration, PrecisionRules.LmHead, engine: engine);
        _head = new LayerCost(model, _activationBytes, PrecisionRules.LmHeadBytes);
        Fabric = new Fabric(cluster, calibration);
    }

    /// <summary>The cluster's tiers the pass communicates over.</summary>
    public Fabric Fabric { get; }

    /// <summary>
    /// Low-rank adapters on a frozen base (<see cref="LoraSpec"/>): the backward computes the base's input gradients but not
    /// its weight gradients, so each base GEMM, the output layer's included, runs twice, not three times; null trains every weight.
    /// </summary>
    public LoraSpec? Lora { get; init; }

    /// <summary>How the loss reads the logits (<see cref="LossTraffic"/>); cross entropy by default.</summary>
    public LossKernel Loss { get; init; }

    /// <summary>
    /// The per-stage latency of the serving engine's own all-reduce (<see cref="HardwareCalibration.PeerAllReduceLatency"/>),
    /// which TP all-reduces inside one switched scale-up domain use when it beats the collective library's; null = the library's
    /// always (training: Megatron's TP collectives go through NCCL).
    /// </summary>
    public double? PeerAllReduceLatency { get; init; }

    public PassCost Compose(in StagePass p)
    {
        var layers = PerLayer(p);
        return ComposeWith(p, layers);
    }

    /// <summary>
    /// The same pass with its per-layer costs taken from <paramref name="reuse"/> when they are those of its shape, else
    /// computed and left there for the next pass.
    /// </summary>
    public PassCost Compose(in StagePass p, ref LayerCosts reuse)
    {
        if (!reuse.Serve(p)) reuse = PerLayer(p);
        return ComposeWith(p, reuse);
    }

    /// <summary>The per-layer costs of <paramref name="p"/>'s shape, of the layer kinds it runs.</summary>
    LayerCosts PerLayer(in StagePass p)
    {
        var shape = p.Shape;
        var remat = p.Backward ? p.Remat : null;
        return new LayerCosts
        {
            Shape = shape, LogitTokens = p.LogitTokens, HasDense = p.DenseLayers > 0, HasMoe = p.MoeLayers > 0, HasBackward = p.Backward,
            Dense = p.DenseLayers > 0 ? _layer.Dense(_rates, shape) : default,
            Moe = p.MoeLayers > 0 ? _layer.Moe(_rates, shape, _expertRates) : default,
            // Fused attention's backward: 2.5× the FLOPs with its own per-row work; unfused 2×.
            AttentionBackward = !p.Backward ? 0 : shape.Kernel != AttentionKernel.Unfused ? Roofline.FlashBackwardFactor(_rates, _layer.AttendedContext(shape)) : 2.0,
            TpCollective = TensorParallelCollective(shape), TpCollectivesPerLayer = TpCollectives(shape),
            // The last stage also runs the output layer.
            Head = p.LogitTokens > 0 ? _head.Head(_headRates, p.LogitTokens, shape.Tp, LossTraffic.BytesPerLogit(Loss).Forward) : default,
            Adapters = Lora is { } lora ? AdapterForward(lora, shape.Tokens, shape.Tp) : 0,
            Remat = remat,
            RematDense = remat is not null && p.DenseLayers > 0 ? _layer.Rematerialized(_rates, shape, remat, false) : default,
            RematMoe = remat is not null && p.MoeLayers > 0 ? _layer.Rematerialized(_rates, shape, remat, true) : default,
        };
    }

    PassCost ComposeWith(in StagePass p, in LayerCosts per)
    {
        var shape = p.Shape;
        int dense = p.DenseLayers, moe = p.MoeLayers, layers = dense + moe;
        var denseLayer = dense > 0 ? per.Dense : default;
        var moeLayer = moe > 0 ? per.Moe : default;
        var fwd = denseLayer * dense + moeLayer * moe;

        // The arithmetic runs on plain seconds; the typed LayerTime is unwrapped here once.
        double fwdGemm = fwd.Gemm.Value, fwdAttention = fwd.Attention.Value, fwdElementwise = fwd.Elementwise.Value;
        // Low-rank adapters: two small GEMMs per targeted linear forward, four more backward (both gradients of both factors).
        double adapters = per.Adapters * layers * (p.Backward ? 3 : 1);
        bool frozen = Lora is not null;
        double gemm = fwdGemm + adapters, attention = fwdAttention, elementwise = fwdElementwise, recomputedFlops = 0, attentionBackward = 0;
        LayerTime requantized = default;
        bool full = p.Backward && p.Recompute == Recompute.Full;
        if (p.Backward)
        {
            // Backward: GEMMs and elementwise 2× forward (a frozen base's GEMMs 1×, data gradients only); attention by its backward factor.
            attentionBackward = per.AttentionBackward;
            gemm = fwdGemm * (frozen ? 2 : 3) + adapters;
            attention = fwdAttention * (1 + attentionBackward);
            elementwise = fwdElementwise * 3;
            if (full) { gemm += fwdGemm; attention += fwdAttention; elementwise += fwdElementwise; requantized = fwd; }
            // Selective (core attention) costs time only where scores were materialised.
            else if ((p.Recompute & Recompute.Selective) != 0 && shape.Kernel == AttentionKernel.Unfused) attention += fwdAttention;
            if (!full && (p.Recompute & ~Recompute.Selective) != 0)
            {
                // Recomputed modules rerun their forward in the backward pass.
                var modules = (dense > 0 ? _layer.Recomputed(_rates, shape, p.Recompute, false) * dense : default)
                              + (moe > 0 ? _layer.Recomputed(_rates, shape, p.Recompute, true) * moe : default);
                gemm += modules.Gemm.Value; attention += modules.Attention.Value; elementwise += modules.Elementwise.Value;
                recomputedFlops = modules.HardwareFlops.Value;
                requantized = modules;
            }
            if (p.Remat is not null)
            {
                // A MaxText policy reruns, per layer, what it neither saves nor offloads.
                var rerun = (dense > 0 ? per.RematDense * dense : default) + (moe > 0 ? per.RematMoe * moe : default);
                gemm += rerun.Gemm.Value; attention += rerun.Attention.Value; elementwise += rerun.Elementwise.Value;
                recomputedFlops += rerun.HardwareFlops.Value;
                requantized += rerun;
            }
            // A low-precision recipe's cast kernels around each quantized GEMM (none at 16 bits).
            elementwise += _quantization.Seconds(_rates, fwd, requantized);
        }
        // The MoE forward runs again in the backward under full recompute, with the moe module recomputed, or under a MaxText
        // remat policy (the experts' inputs have no checkpoint name, so every policy reruns the router and dispatch). The rerun
        // exchanges its tokens again, its dispatcher syncs with the host again, and the host issues it again.
        bool moeReruns = full || (p.Backward && ((p.Recompute & Recompute.Moe) != 0 || p.Remat is not null));
        double hostStall = fwd.HostStall.Value * (moeReruns ? 2 : 1);

        // The output layer's forward; backward its GEMM twice more (once, frozen) and the loss's backward passes at the
        // forward passes' rate (half of them on a frozen base, as the generic count has always taken it).
        var head = per.Head;
        var headTime = head.Total;
        if (p.Backward)
        {
            var (forwardBytes, backwardBytes) = LossTraffic.BytesPerLogit(Loss);
            var loss = head.Elementwise;
            headTime += (head.Total - loss) * (frozen ? 1 : 2) + loss * (backwardBytes / forwardBytes * (frozen ? 0.5 : 1));
        }

        // One MoE layer's dispatch plus combine in one direction on a free link, computed once for both uses.
        double exchange = moe > 0 && p.Experts is { } routed ? Exchange(routed) : 0;
        double tensorParallel = TensorParallel(p, per, layers, full), expertParallel = ExpertParallel(p, exchange, moeReruns);
        return new PassCost
        {
            Forward = fwd, Gemm = new Seconds(gemm), Attention = new Seconds(attention), Elementwise = new Seconds(elementwise), HostStall = new Seconds(hostStall),
            RecomputedFlops = new Flops(recomputedFlops), Head = head, HeadTime = headTime,
            TensorParallel = new Seconds(tensorParallel),
            ContextParallel = new Seconds(ContextParallel(p, shape, denseLayer, moeLayer, attentionBackward, full)),
            ExpertParallel = new Seconds(expertParallel),
            PipelineP2P = new Seconds(PipelineP2P(p, shape)),
            HostWait = new Seconds(HostWait(p, shape.ExpertsTouched, per, denseLayer, moeLayer, gemm + attention + elementwise + hostStall - fwd.Total.Value, tensorParallel, expertParallel, exchange, full, moeReruns)),
        };
    }

    /// <summary>
    /// One layer's adapter GEMMs forward on one GPU: x·A then (x·A)·B for each targeted linear layer, at the 16-bit
    /// roofline (the output layer's rates: the adapters run outside the FP8 recipe and are too thin for measured tables).
    /// A column-parallel layer (qkv, fc1) splits B's output over tensor parallelism, a row-parallel one (proj, fc2) A's input
    /// (Megatron-Bridge's LoRA follows its base layer's split); their rank-wide partial results' collectives are left out.
    /// </summary>
    double AdapterForward(LoraSpec lora, double tokens, int tp)
    {
        double t = 0;
        foreach (var (din, dout, column) in lora.TargetShapes(_m))
        {
            double inLocal = column ? din : din / tp, outLocal = column ? dout / tp : dout;
            t += Roofline.GemmSeconds(_headRates, tokens, lora.Rank, inLocal, 2, 2) + Roofline.GemmSeconds(_headRates, tokens, outLocal, lora.Rank, 2, 2);
        }
        return t;
    }

    /// <summary>
    /// The GPU's wait on the host (<see cref="HostIssueCost.Wait"/>), against the GPU's own time per layer forward and
    /// over the backward: compute, and the TP and EP collectives its stream runs.
    /// </summary>
    double HostWait(in StagePass p, double expertsTouched, in LayerCosts per, in LayerTime denseLayer, in LayerTime moeLayer, double backwardCompute, double tensorParallel, double expertParallel,
        double exchange, bool full, bool moeReruns)
    {
        if (!p.Host.Modelled) return 0;
        int dense = p.DenseLayers, moe = p.MoeLayers;
        double tpForward = per.TpCollective * per.TpCollectivesPerLayer;
        double exchangeForward = p.Experts is { } x ? exchange / (1 - Math.Clamp(x.LinkShare, 0, 0.9)) : 0;
        double backwardComm = tensorParallel - tpForward * (dense + moe) + expertParallel - exchangeForward * moe;
        return p.Host.Wait(dense, moe, expertsTouched, denseLayer.Total.Value + tpForward, moeLayer.Total.Value + tpForward + exchangeForward,
            backwardCompute + backwardComm, p.Backward, full, moeReruns);
    }

    /// <summary>
    /// A collective on T·d activations per block per direction: an all-reduce, or with sequence parallelism an
    /// all-gather plus a reduce-scatter (no in-network all-reduce gain). Full recompute repeats the forward ones,
    /// a recomputed MLP or MoE block its own.
    /// </summary>
    double TensorParallel(in StagePass p, in LayerCosts per, int layers, bool full)
    {
        double perLayer = per.TpCollectivesPerLayer;
        double count = perLayer * layers * (p.Backward ? 2 : 1);
        if (full) count += perLayer * layers;
        else if (p.Backward)
        {
            bool mlpBlocks = (p.Recompute & Recompute.Mlp) != 0, moeBlocks = (p.Recompute & (Recompute.Moe | Recompute.SharedExperts)) != 0;
            count += (mlpBlocks ? p.DenseLayers : 0) + (moeBlocks ? p.MoeLayers : 0);
            // A remat policy that reruns the output projection repeats its collective.
            if (p.Remat is { } policy && policy[RematTensor.OutProj] == RematChoice.Remat) count += layers;
        }
        return per.TpCollective * count;
    }

    /// <summary>One TP collective of a layer: on T·d activations, an all-reduce or with sequence parallelism an all-gather plus a reduce-scatter.</summary>
    double TensorParallelCollective(in LayerShape shape)
    {
        double message = shape.Tokens * _m.Hidden * _activationBytes;
        if (shape.Tp <= 1) return 0;
        if (shape.SequenceParallel) return 2 * Collectives.AllGather(Fabric, message, shape.Tp, 1);
        double library = Collectives.AllReduce(Fabric, message, shape.Tp, 1);
        // The engine's kernel reads its peers' buffers directly: only a switched domain holding the whole group has that path.
        if (PeerAllReduceLatency is { } latency && Fabric.TorusAxes == 0 && Fabric.MembersPerDomain(shape.Tp, 1) >= shape.Tp)
            return Math.Min(library, Collectives.PeerAllReduce(Fabric.ScaleUp, latency, message, shape.Tp));
        return library;
    }

    /// <summary>
    /// Ring attention (<see cref="ContextParallelComm.P2P"/>): K/V all-gather per layer (forward) and its reduce-scatter of
    /// dK/dV (backward), each exposed only beyond the attention it overlaps; full recompute gathers again. All-to-all over
    /// heads (<see cref="ContextParallelComm.AllToAll"/>): <see cref="HeadAllToAll"/> in full.
    /// </summary>
    double ContextParallel(in StagePass p, in LayerShape shape, in LayerTime denseLayer, in LayerTime moeLayer, double attentionBackward, bool full)
    {
        int cp = p.ContextParallel;
        if (cp <= 1) return 0;
        int layers = p.DenseLayers + p.MoeLayers;
        if (p.ContextParallelComm == ContextParallelComm.AllToAll)
            return layers * HeadAllToAll(shape, cp) * (1 + (p.Backward ? 1 : 0) + (full ? 1 : 0));
        double kvBytes = shape.Tokens * cp * KvCache.BytesPerTokenPerLayer(_m, PrecisionRules.Activations, shape.Tp).Value;
        double gather = Collectives.AllGather(Fabric, kvBytes, cp, shape.Tp);
        double attentionForward = (denseLayer.Attention.Value * p.DenseLayers + moeLayer.Attention.Value * p.MoeLayers) / Math.Max(1, layers);
        double exposedForward = Math.Max(0, gather - attentionForward);
        double exposedBackward = p.Backward ? Math.Max(0, 2 * gather - attentionForward * attentionBackward) : 0;
        return layers * (exposedForward * (full ? 2 : 1) + exposedBackward);
    }

    /// <summary>
    /// One layer's Ulysses exchanges in one direction (Transformer Engine's AttnFuncWithCPAndQKVOA2A): Q, K and V from sequence
    /// shards to head shards before attention and the output back after it, forward; dO, then dQ, dK and dV, backward, the
    /// same bytes. Each rank holds its tokens' heads of this tensor-parallel rank, (h/tp)·d_qk of Q, kv·(d_qk + d_v) of K
    /// and V (kv = the KV heads per tp rank, ModelSpec.KvHeadsPerRank; MLA's K and V are per head) and (h/tp)·d_v of the output, in
    /// 16 bits, and keeps 1/cp of each.
    /// </summary>
    double HeadAllToAll(in LayerShape shape, int cp)
    {
        var mla = _m.Mla;
        double heads = (double)_m.Heads / shape.Tp, qk = mla?.QkHeadDim ?? _m.HeadDim, v = mla?.VHeadDim ?? _m.HeadDim;
        double kv = mla is not null ? heads : _m.KvHeadsPerRank(shape.Tp);
        double perToken = (heads * qk + kv * (qk + v)) * _activationBytes, outPerToken = heads * v * _activationBytes;
        return Collectives.AllToAll(Fabric, shape.Tokens * perToken, cp, shape.Tp) + Collectives.AllToAll(Fabric, shape.Tokens * outPerToken, cp, shape.Tp);
    }

    /// <summary>
    /// Dispatch plus combine per MoE layer per direction (and again when the MoE forward reruns), at the
    /// busiest rank's load, over the share of the link other traffic leaves.
    /// </summary>
    double ExpertParallel(in StagePass p, double exchange, bool moeReruns)
    {
        if (p.MoeLayers <= 0 || p.Experts is not { } x) return 0;
        int passes = !p.Backward ? 1 : moeReruns ? 3 : 2;
        return p.MoeLayers * exchange * passes / (1 - Math.Clamp(x.LinkShare, 0, 0.9));
    }

    /// <summary>Dispatch plus combine of one MoE layer in one direction on a free link.</summary>
    double Exchange(in TokenExchange x)
    {
        double perRank = x.TokensPerRank * _m.Hidden;
        return Collectives.ExpertExchange(Fabric, perRank * x.DispatchBytesPerElement * x.Busiest, x.Copies, x.Ranks, x.Stride, x.ThroughputShare)
               + Collectives.ExpertExchange(Fabric, perRank * _activationBytes * x.Busiest, x.Copies, x.Ranks, x.Stride, x.ThroughputShare);
    }

    /// <summary>Activations forward (and gradients backward) across each stage boundary: T·d, ÷ t with sequence parallelism.</summary>
    double PipelineP2P(in StagePass p, in LayerShape shape)
    {
        if (p.StageHops <= 0) return 0;
        double message = shape.Tokens * _m.Hidden * _activationBytes / (shape.SequenceParallel ? shape.Tp : 1);
        return p.StageHops * (p.Backward ? 2 : 1) * Collectives.SendRecv(Fabric, message, p.StageGpus);
    }
}
