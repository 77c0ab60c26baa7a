using Augur.CostModels.Analysis;
using Augur.CostModels.Compute;
using Augur.Domain.Models;
using Augur.Domain.Parallelism;
using Augur.Domain.Workloads;
using Augur.Units;

namespace Augur.CostModels.Operators;

/// <summary>
/// The per-operator cost of one transformer layer (forward), written once and used by training, prefill and
/// decode. Each GEMM is timed with <see cref="Roofline.GemmSeconds"/> on its per-GPU shape; attention core with
/// the fused-attention rate (or, unfused, as GEMMs over the full s×s scores plus the softmax/dropout traffic);
/// norms, residuals, activation functions and rotary embeddings as memory traffic.
/// </summary>
public sealed class LayerCost
{
    /// <summary>Bytes each unfused-attention score element moves: QKᵀ write, softmax read+write, dropout read+write+mask, AV read (2+4+5+2).</summary>
    const double UnfusedScoreBytes = 13.0;
    /// <summary>
    /// Elementwise forward traffic per token, in units of the hidden size: two norms (read+write 4d), two residual
    /// adds (read 2, write 1: 6d), rotary and bias/dropout passes (≈6d).
    /// </summary>
    const double ElementwiseHiddenPasses = 16.0;
    const int ElementwiseKernels = 8;

    readonly ModelSpec _m;
    readonly double _qkDim, _vDim, _latentPairDims;
    readonly double _activationBytes;
    readonly double _weightBytes, _expertWeightBytes;

    /// <param name="expertWeightBytes">Stored bytes per routed-expert weight when the experts have their own precision; null = <paramref name="weightBytes"/>.</param>
    public LayerCost(ModelSpec model, double activationBytes, double weightBytes, double? expertWeightBytes = null)
    {
        _m = model;
        _activationBytes = activationBytes;
        _weightBytes = weightBytes;
        _expertWeightBytes = expertWeightBytes ?? weightBytes;
        if (model.Mla is { } mla)
        {
            _qkDim = mla.QkHeadDim;
            _vDim = mla.VHeadDim;
            // Absorbed MLA (DeepSeek-V2 §2.1.2; FlashMLA deep-dive): every head scores against the 512+64 latent
            // and sums values in the 512-wide latent, so a pair costs d_k + d_v = 576 + 512, not 192 + 128.
            _latentPairDims = 2.0 * mla.KvLoraRank + mla.QkRopeHeadDim;
        }
        else { _qkDim = model.HeadDim; _vDim = model.HeadDim; _latentPairDims = _qkDim + _vDim; }
    }

    public LayerTime Dense(in DeviceRates r, in LayerShape s) =>
        Attention(r, s) + Mlp(r, s.Tokens, _m.Ffn, s.Tp) + Elementwise(r, s, MlpWidth(_m.Ffn) / s.Tp);

    public LayerTime Moe(in DeviceRates r, in LayerShape s) => Moe(r, s, r);

    /// <summary>An MoE layer whose routed experts run at their own rates (<paramref name="experts"/>): an FP4 MoE beside FP8 attention.</summary>
    public LayerTime Moe(in DeviceRates r, in LayerShape s, in DeviceRates experts) =>
        Attention(r, s) + MoeBlock(r, s, experts) + Elementwise(r, s, MoeActivationWidth(s, routed: experts.Moe is null));

    /// <summary>
    /// The MoE block: the router (its GEMM, every token against every expert centroid, replicated across TP, and its
    /// passes over the scores), the host synchronisation before the dispatch where the dispatcher makes one, the shared
    /// experts, the permutations into expert order and back, and the routed experts. Where the engine's fused MoE layer was
    /// measured (<see cref="DeviceRates.Moe"/>), the permutations, the routed experts and their activation function are that
    /// layer's measured time (<see cref="MeasuredFusedMoe"/>), and the router's passes too where the engine's layer runs them.
    /// </summary>
    LayerTime MoeBlock(in DeviceRates r, in LayerShape s, in DeviceRates experts)
    {
        var moe = _m.Moe!;
        var t = UnquantizedGemm(r, s.Tokens, moe.Experts, _m.Hidden);
        if (s.SyncsBeforeDispatch) t += new LayerTime { HostStall = DispatchSync.RoundTrip };
        if (moe.SharedExperts > 0) t += SharedExperts(r, s);
        if (experts.Moe is { } fused) return t + (fused.IncludesRouting ? default : Router(r, s)) + MeasuredFusedMoe(fused, s, experts);
        // A capacity-bound layer reaches its slots by the dispatch and combine einsums (each 2·T·E·C·d) instead of permuting.
        var route = s.EinsumSlots > 0 ? UnquantizedGemm(r, s.Tokens, s.EinsumSlots, _m.Hidden) * 2 : Permutations(r, s);
        return t + Router(r, s) + route + RoutedExperts(experts, s);
    }

    /// <summary>
    /// The engine's fused MoE layer on this GPU's visits, at the measured time of the nearest measured shape
    /// (<see cref="MeasuredMoe"/>), never faster than its expert FLOPs at the sustained GEMM rate (<see cref="Roofline.Sustained"/>).
    /// </summary>
    LayerTime MeasuredFusedMoe(MeasuredMoe fused, in LayerShape s, in DeviceRates experts)
    {
        var moe = _m.Moe!;
        if (s.ExpertsTouched <= 0 || s.ExpertTokenVisits <= 0) return default;
        double f = (double)moe.ExpertFfn / s.Etp;
        int matrices = _m.GatedMlp ? 3 : 2;
        double perRank = s.ExpertsPerRank > 0 ? s.ExpertsPerRank : moe.Experts;
        var flops = RoutedExpertFlops(s);
        double seconds = Roofline.Sustained(experts, flops.Value,
            fused.Seconds(s.ExpertTokenVisits, s.ExpertsTouched, _m.Hidden, f, perRank, moe.TopK, matrices, _expertWeightBytes, _activationBytes));
        return new LayerTime
        {
            Gemm = new Seconds(seconds), HardwareFlops = flops, WeightBytes = new Bytes(s.ExpertsTouched * matrices * _m.Hidden * f * _expertWeightBytes),
        };
    }

    /// <summary>
    /// What one fused MoE kernel runs (the kernel check's MoE layer): given the router's logits, their passes over the
    /// scores (TensorRT-LLM's fused_moe; <paramref name="routing"/> false where the kernel is handed the chosen experts, as
    /// vLLM's fused_experts is), the permutations into expert order and back, the routed experts' GEMMs and their activation
    /// function; not the router GEMM, the shared experts or any exchange. The engine's measured layer where
    /// <paramref name="experts"/> hold one.
    /// </summary>
    public LayerTime FusedMoe(in DeviceRates r, in LayerShape s, in DeviceRates experts, bool routing = true) =>
        experts.Moe is { } fused ? MeasuredFusedMoe(fused, s, experts)
            : (routing ? Router(r, s) : default) + Permutations(r, s) + RoutedExperts(experts, s) + Stream(r, RoutedActivationWidth(s));

    /// <summary>The router's fp32 passes over the T×E scores after its GEMM (<see cref="MoeTraffic.RouterBytes"/>), one kernel each.</summary>
    LayerTime Router(in DeviceRates r, in LayerShape s) =>
        ElementwiseTime(MoeTraffic.RouterBytes(s.Tokens, _m.Moe!.Experts, s.AuxiliaryLoss) / r.Memory.BytesPerSecond
                        + MoeTraffic.RouterKernelCount(s.AuxiliaryLoss) * r.KernelOverhead.Value);

    /// <summary>
    /// The permutations of this GPU's routed rows into expert order and back (<see cref="MoeTraffic.PermutationBytes"/>),
    /// each a memory-bound pass: one per direction, two when the rows are also sorted by local expert.
    /// </summary>
    LayerTime Permutations(in DeviceRates r, in LayerShape s)
    {
        if (s.ExpertTokenVisits <= 0) return default;
        int passes = 2 * MoeTraffic.PermutationsPerDirection(s.SortsByLocalExpert);
        return ElementwiseTime(passes * Roofline.StreamSeconds(r, MoeTraffic.PermutationBytes(s.ExpertTokenVisits, _m.Hidden, _activationBytes)));
    }

    LayerTime SharedExperts(in DeviceRates r, in LayerShape s) =>
        Mlp(r, s.Tokens, (double)_m.Moe!.SharedExperts * _m.Moe.SharedExpertFfn, s.Tp);

    /// <summary>Activation-function elements per token of the MoE block: the shared experts' and, unless a measured fused layer holds them, this GPU's routed visits'.</summary>
    double MoeActivationWidth(in LayerShape s, bool routed = true)
    {
        var moe = _m.Moe!;
        double shared = moe.SharedExperts * MlpWidth(moe.SharedExpertFfn) / s.Tp;
        return routed ? shared + RoutedActivationWidth(s) / Math.Max(1.0, s.Tokens) : shared;
    }

    /// <summary>Activation-function elements of this GPU's routed expert visits.</summary>
    double RoutedActivationWidth(in LayerShape s) => MlpWidth(_m.Moe!.ExpertFfn) / s.Etp * s.ExpertTokenVisits;

    /// <summary>
    /// Forward time of what module recomputation (<paramref name="modules"/>: mla_up_proj, layernorm, moe_act, mlp,
    /// moe, shared_experts) runs again in one layer's backward pass; core attention and full recompute are the
    /// caller's. <paramref name="moeLayer"/> picks the MoE layer's modules over the dense layer's.
    /// </summary>
    public LayerTime Recomputed(in DeviceRates r, in LayerShape s, Recompute modules, bool moeLayer)
    {
        var t = default(LayerTime);
        double T = s.Tokens, d = _m.Hidden, h = _m.Heads / (double)s.Tp;
        double hiddenShare = s.SequenceParallel ? 1.0 / s.Tp : 1.0;
        if ((modules & Recompute.MlaUpProj) != 0 && _m.Mla is { } mla)
        {
            if (mla.QLoraRank > 0) t += Gemm(r, T, h * mla.QkHeadDim, mla.QLoraRank);
            t += Gemm(r, T, h * (mla.QkNopeHeadDim + mla.VHeadDim), mla.KvLoraRank);
        }
        if ((modules & Recompute.LayerNorm) != 0)
            t += Stream(r, T * 4 * d * hiddenShare); // two norms, each reads and writes d
        if (moeLayer && _m.Moe is { } moe)
        {
            if ((modules & Recompute.Moe) != 0)
                t += MoeBlock(r, s, r) + Stream(r, MoeActivationWidth(s) * T); // the whole block and its activation traffic
            else
            {
                if ((modules & Recompute.SharedExperts) != 0 && moe.SharedExperts > 0) t += SharedExperts(r, s);
                if ((modules & Recompute.MoeAct) != 0) t += Stream(r, RoutedActivationWidth(s));
            }
        }
        else if (!moeLayer && (modules & Recompute.Mlp) != 0)
            t += Mlp(r, T, _m.Ffn, s.Tp) + Stream(r, T * MlpWidth(_m.Ffn) / s.Tp);
        return t;
    }

    /// <summary>
    /// Forward time of what a MaxText remat policy (<see cref="RematPolicy"/>) runs again in one layer's backward pass: each
    /// projection whose output it neither saves nor offloads (q, k, v from the norm of the kept layer input; the output
    /// projection, whose result the MLP's norm input needs), the attention when <c>context</c> is recomputed, the MLP's
    /// input projections when <c>mlpwi</c> are, and always the norms and the activation function (no name saves them).
    /// A dense MLP's down projection is never rerun (no gradient reads its output); an MoE layer reruns its router and
    /// dispatch (the experts' inputs have no name) and its down projection unless <c>mlpwo</c> is kept.
    /// </summary>
    public LayerTime Rematerialized(in DeviceRates r, in LayerShape s, RematPolicy p, bool moeLayer)
    {
        double T = s.Tokens, d = _m.Hidden, hd = _m.HeadDim, h = _m.Heads / (double)s.Tp;
        double kv = _m.KvHeadsPerRank(s.Tp);
        double hiddenShare = s.SequenceParallel ? 1.0 / s.Tp : 1.0;
        var t = Stream(r, T * 4 * d * hiddenShare); // the two norms, each reads and writes d
        if (p[RematTensor.QueryProj] == RematChoice.Remat) t += Gemm(r, T, h * hd, d);
        if (p[RematTensor.KeyProj] == RematChoice.Remat) t += Gemm(r, T, kv * hd, d);
        if (p[RematTensor.ValueProj] == RematChoice.Remat) t += Gemm(r, T, kv * hd, d);
        if (p[RematTensor.Context] == RematChoice.Remat) t += Core(r, s, h);
        if (p[RematTensor.OutProj] == RematChoice.Remat) t += Gemm(r, T, d, h * hd);
        bool wi0 = p[_m.GatedMlp ? RematTensor.Mlpwi0 : RematTensor.Mlpwi] == RematChoice.Remat, wi1 = _m.GatedMlp && p[RematTensor.Mlpwi1] == RematChoice.Remat;
        if (moeLayer && _m.Moe is { } moe)
        {
            var route = s.EinsumSlots > 0 ? UnquantizedGemm(r, T, s.EinsumSlots, d) : Permutations(r, s) * 0.5;
            t += UnquantizedGemm(r, T, moe.Experts, d) + Router(r, s) + route;
            double f = (double)moe.ExpertFfn / s.Etp;
            if (wi0) t += ExpertGemm(r, s, f, d);
            if (wi1) t += ExpertGemm(r, s, f, d);
            if (p[RematTensor.Mlpwo] == RematChoice.Remat) t += ExpertGemm(r, s, d, f);
            t += Stream(r, RoutedActivationWidth(s));
            if (moe.SharedExperts > 0)
            {
                double shared = (double)moe.SharedExperts * moe.SharedExpertFfn / s.Tp;
                if (wi0) t += Gemm(r, T, shared, d);
                if (wi1) t += Gemm(r, T, shared, d);
                t += Stream(r, T * MlpWidth(shared));
            }
        }
        else
        {
            double f = _m.Ffn / s.Tp;
            if (wi0) t += Gemm(r, T, f, d);
            if (wi1) t += Gemm(r, T, f, d);
            t += Stream(r, T * MlpWidth(f));
        }
        return t;
    }

    /// <summary>One grouped GEMM of n×k per expert over this GPU's routed rows, each touched expert reading its own weights.</summary>
    LayerTime ExpertGemm(in DeviceRates r, in LayerShape s, double n, double k)
    {
        if (s.ExpertsTouched <= 0 || s.ExpertTokenVisits <= 0) return default;
        double perExpert = s.ExpertTokenVisits / s.ExpertsTouched;
        return new LayerTime
        {
            Gemm = new Seconds(Roofline.GroupedGemmSeconds(r, s.ExpertsTouched, perExpert, n, k, _expertWeightBytes, _activationBytes)),
            HardwareFlops = new Flops(2 * s.ExpertTokenVisits * n * k), WeightBytes = new Bytes(s.ExpertsTouched * n * k * _expertWeightBytes),
            QuantizedInputs = s.ExpertTokenVisits * k, QuantizedGradients = s.ExpertTokenVisits * n, QuantizedGemms = 1,
        };
    }

    /// <summary>A memory-bound elementwise pass over <paramref name="elements"/> activation elements.</summary>
    LayerTime Stream(in DeviceRates r, double elements) => ElementwiseTime(Roofline.StreamSeconds(r, elements * _activationBytes));

    static LayerTime ElementwiseTime(double seconds) => new() { Elementwise = new Seconds(seconds) };

    /// <summary>
    /// The attention of an average layer: softmax attention on its share of the layers, linear attention on the rest
    /// (their weights and time in proportion, so a stage's sum over its layers holds both kinds).
    /// </summary>
    LayerTime Attention(in DeviceRates r, in LayerShape s)
    {
        var softmax = SoftmaxAttention(r, s);
        if (_m.LinearAttention is not { } linear) return softmax;
        double share = _m.LinearLayerFraction;
        return softmax * (1 - share) + LinearAttention(r, s, linear) * share;
    }

    LayerTime SoftmaxAttention(in DeviceRates r, in LayerShape s)
    {
        double d = _m.Hidden, tp = s.Tp, h = _m.Heads / tp, T = s.Tokens;
        var proj = default(LayerTime);
        if (_m.Mla is { } mla)
        {
            if (mla.QLoraRank > 0)
            {
                proj += Gemm(r, T, mla.QLoraRank, d);
                proj += Gemm(r, T, h * mla.QkHeadDim, mla.QLoraRank);
            }
            else proj += Gemm(r, T, h * mla.QkHeadDim, d);
            proj += Gemm(r, T, mla.KvLoraRank + mla.QkRopeHeadDim, d);
            proj += Gemm(r, T, h * (mla.QkNopeHeadDim + mla.VHeadDim), mla.KvLoraRank);
            proj += Gemm(r, T, d, h * mla.VHeadDim);
        }
        else
        {
            double kvHeads = _m.KvHeadsPerRank(s.Tp);
            proj += Gemm(r, T, (h + 2 * kvHeads) * _m.HeadDim, d);
            proj += Gemm(r, T, d, h * _m.HeadDim);
        }
        var t = proj + Core(r, s, h);
        return _m.SparseAttention is { } dsa ? t + Indexer(r, s, dsa) : t;
    }

    /// <summary>
    /// DSA's lightning indexer (<see cref="SparseAttentionCost"/>): its three projections, then every query scored against
    /// every earlier token's index key (the full span) at the attention rate, reading the cached index keys when
    /// decoding, and the top-k selection over the scores as an fp32 write and read. The indexer's heads are not split
    /// over tensor parallelism (model.py builds them as plain Linear layers).
    /// </summary>
    LayerTime Indexer(in DeviceRates r, in LayerShape s, SparseAttentionSpec dsa)
    {
        double d = _m.Hidden, T = s.Tokens, q = _m.Mla is { QLoraRank: > 0 } mla ? mla.QLoraRank : d;
        var t = Gemm(r, T, (double)dsa.IndexHeads * dsa.IndexHeadDim, q) + Gemm(r, T, dsa.IndexHeadDim, d) + UnquantizedGemm(r, T, dsa.IndexHeads, d);
        double pairs = T * s.FullContext, flops = pairs * SparseAttentionCost.IndexFlopsPerKey(dsa);
        double io = s.CachedTokens * SparseAttentionCost.IndexKeyBytes(dsa);
        return t + new LayerTime { Attention = new Seconds(Roofline.AttentionSeconds(r, flops, io, s.FullContext)), HardwareFlops = new Flops(flops) }
                 + ElementwiseTime(Roofline.StreamSeconds(r, pairs * 2 * 4.0));
    }

    /// <summary>
    /// One Gated DeltaNet layer (<see cref="LinearAttentionCost"/>), its heads split over tensor parallelism: the input
    /// projections (q, k, v, z; β, α) and the output projection as GEMMs; the short convolution as a pass over its
    /// channels; the recurrence chunkwise for prefill and training tokens, at the family's measured chunkwise-kernel rate for
    /// the GPU's value heads where measured (else the attention rate), and recurrent for decoding ones at the attention
    /// rate, reading and writing the state (in the checkpoint's state precision) once per chunk or once per decoding token.
    /// It keeps no KV cache. A mixer replicated over TP (<see cref="LayerShape.ReplicatedLinearAttention"/>) computes all its heads on every rank.
    /// </summary>
    LayerTime LinearAttention(in DeviceRates r, in LayerShape s, LinearAttentionSpec lin)
    {
        double d = _m.Hidden, T = s.Tokens, tp = s.ReplicatedLinearAttention ? 1 : s.Tp;
        double qk = 2.0 * lin.KeyHeads * lin.KeyHeadDim / tp, v = (double)lin.ValueHeads * lin.ValueHeadDim / tp;
        var proj = Gemm(r, T, qk + 2 * v, d) + Gemm(r, T, 2.0 * lin.ValueHeads / tp, d) + Gemm(r, T, d, v);
        double decode = s.DecodeShare;
        double chunkwise = T * (1 - decode) * LinearAttentionCost.ChunkwiseFlopsPerToken(lin) / tp;
        double recurrent = T * decode * LinearAttentionCost.RecurrentFlopsPerToken(lin) / tp;
        double stateVisits = T * ((1 - decode) / LinearAttentionCost.Chunk + decode);
        double io = stateVisits * 2 * lin.StateBytes(_activationBytes) / tp + T * (qk + 2 * v) * _activationBytes;
        double seconds = Roofline.LinearAttentionSeconds(r, chunkwise, recurrent, lin.ValueHeads / tp, io);
        var core = new LayerTime { Attention = new Seconds(seconds), HardwareFlops = new Flops(chunkwise + recurrent) };
        return proj + core + Stream(r, 2 * T * lin.ConvChannels / tp);
    }

    LayerTime Core(in DeviceRates r, in LayerShape s, double headsPerGpu)
    {
        double context = AttendedContext(s);
        double latent = _m.Mla is null ? 0 : s.LatentAttentionShare;
        double perPair = 2 * headsPerGpu * ((1 - latent) * (_qkDim + _vDim) + latent * _latentPairDims);
        if (s.Kernel == AttentionKernel.Unfused)
        {
            // Unfused kernels compute the whole s×s product and mask it afterwards: twice the causal work.
            double fullContext = 2 * context;
            double flops = perPair * s.Tokens * fullContext;
            double scores = headsPerGpu * s.Tokens * fullContext;
            double gemm = flops / r.Gemm.PerSecond + 2 * r.KernelOverhead.Value;
            double traffic = Roofline.StreamSeconds(r, scores * UnfusedScoreBytes / 2.0 * _activationBytes);
            return new LayerTime { Attention = new Seconds(gemm + traffic), HardwareFlops = new Flops(flops) };
        }
        double f = perPair * s.Tokens * context;
        double perQuery = headsPerGpu * (2 * _qkDim + 2 * _vDim) * _activationBytes;
        double io = s.KvBytesPerLayer.Value + s.Tokens * perQuery;
        bool decodeMeasured = r.DecodeAttention is not null && s.DecodeSequences > 0 && s.DecodeKeys > 0;
        bool promptMeasured = r.PrefillAttention is not null && s.DecodeShare < 1;
        if (_m.Mla is null && (decodeMeasured || promptMeasured))
            return Measured(r, s, perPair, f, perQuery, headsPerGpu, decodeMeasured);
        return new LayerTime { Attention = new Seconds(Roofline.AttentionSeconds(r, f, io, context)), HardwareFlops = new Flops(f) };
    }

    /// <summary>
    /// Core attention where the serving engine's own attention was measured (<see cref="MeasuredAttention"/>), each share
    /// apart: the decoding queries (every KV head of every decoding sequence reading its cached keys) and the prompt tokens
    /// (whole causal prompts, whose length is read back from the keys a prompt query attends on average, 2·keys − 1) take
    /// the table's time where it has that phase, the fused-attention roofline where it does not.
    /// </summary>
    LayerTime Measured(in DeviceRates r, in LayerShape s, double perPair, double flops, double perQuery, double headsPerGpu, bool decodeMeasured)
    {
        double decodeTokens = s.Tokens * s.DecodeShare;
        double decodeFlops = perPair * decodeTokens * s.DecodeKeys;
        double kvHeads = _m.KvHeadsPerRank(s.Tp);
        double decodeBytes = s.KvBytesPerLayer.Value + decodeTokens * perQuery;
        double t = decodeTokens <= 0 ? 0
            : decodeMeasured ? r.DecodeAttention!.Seconds(decodeFlops, decodeBytes, s.DecodeSequences * kvHeads, s.DecodeKeys)
            : Roofline.AttentionSeconds(r, decodeFlops, decodeBytes, s.DecodeKeys);
        double promptTokens = s.Tokens - decodeTokens;
        double promptFlops = Math.Max(0, flops - decodeFlops);
        if (promptTokens > 0)
        {
            double keys = promptFlops / (perPair * promptTokens);
            if (r.PrefillAttention is { } p)
            {
                double length = Math.Max(1, 2 * keys - 1);
                double bytes = promptTokens * (perQuery + kvHeads * (_qkDim + _vDim) * _activationBytes);
                t += p.Seconds(promptFlops, bytes, promptTokens / length * headsPerGpu, length);
            }
            else
                t += Roofline.AttentionSeconds(r, promptFlops, promptTokens * perQuery, keys);
        }
        return new LayerTime { Attention = new Seconds(t), HardwareFlops = new Flops(flops) };
    }

    /// <summary>Average keys a query attends over the model's softmax-attention layers (<see cref="AttentionSpan.PerSoftmaxLayer"/>).</summary>
    public double AttendedContext(in LayerShape s) =>
        AttentionSpan.PerSoftmaxLayer(_m, new AttendedKeys(s.FullContext, s.WindowContext, s.ChunkContext, s.SparseContext));

    LayerTime Mlp(in DeviceRates r, double tokens, double ffn, int tp)
    {
        double d = _m.Hidden, f = ffn / tp;
        return Gemm(r, tokens, _m.GatedMlp ? 2 * f : f, d) + Gemm(r, tokens, d, f);
    }

    LayerTime RoutedExperts(in DeviceRates r, in LayerShape s)
    {
        var moe = _m.Moe!;
        double d = _m.Hidden, f = (double)moe.ExpertFfn / s.Etp, visits = s.ExpertTokenVisits;
        double matrices = _m.GatedMlp ? 3 : 2;
        var flops = RoutedExpertFlops(s);
        double groups = s.ExpertsTouched;
        if (groups <= 0 || visits <= 0) return new LayerTime { Gemm = r.KernelOverhead * 2 };
        // Two grouped GEMMs over the touched experts (gate+up, then down), each expert reading its own weights.
        double perExpert = visits / groups;
        double t = Roofline.GroupedGemmSeconds(r, groups, perExpert, (matrices - 1) * f, d, _expertWeightBytes, _activationBytes)
                   + Roofline.GroupedGemmSeconds(r, groups, perExpert, d, f, _expertWeightBytes, _activationBytes);
        return new LayerTime
        {
            Gemm = new Seconds(t), HardwareFlops = flops, WeightBytes = new Bytes(groups * matrices * d * f * _expertWeightBytes),
            QuantizedInputs = visits * (d + f), QuantizedGradients = visits * ((matrices - 1) * f + d), QuantizedGemms = 2,
        };
    }

    /// <summary>FLOPs of one GPU's routed experts in one MoE layer: 2 · visits · (3 gated, else 2) matrices · d · f/etp.</summary>
    public Flops RoutedExpertFlops(in LayerShape s) =>
        new(_m.Moe is { } moe ? 2 * s.ExpertTokenVisits * (_m.GatedMlp ? 3 : 2) * _m.Hidden * ((double)moe.ExpertFfn / s.Etp) : 0);

    LayerTime Elementwise(in DeviceRates r, in LayerShape s, double mlpWidthPerToken)
    {
        double hiddenShare = s.SequenceParallel ? 1.0 / s.Tp : 1.0;
        double bytes = s.Tokens * (ElementwiseHiddenPasses * _m.Hidden * hiddenShare + mlpWidthPerToken) * _activationBytes;
        // The two norms also read their weight vectors, kept in 16 bits like the activations.
        return ElementwiseTime(bytes / r.Memory.BytesPerSecond + ElementwiseKernels * r.KernelOverhead.Value)
            with { WeightBytes = new Bytes(2 * _m.Hidden * _activationBytes) };
    }

    /// <summary>Activation-function traffic per token in elements: gated reads gate and up, writes one (3F); plain reads and writes (2F).</summary>
    double MlpWidth(double ffn) => (_m.GatedMlp ? 3 : 2) * ffn;

    /// <summary>A layer GEMM; low-precision training quantizes its m×k input and, backward, its m×n output gradient.</summary>
    LayerTime Gemm(in DeviceRates r, double m, double n, double k) =>
        UnquantizedGemm(r, m, n, k) with { QuantizedInputs = m * k, QuantizedGradients = m * n, QuantizedGemms = 1 };

    /// <summary>A GEMM that stays 16-bit in every recipe: the router and the LM head (<see cref="PrecisionRules.LmHead"/>).</summary>
    LayerTime UnquantizedGemm(in DeviceRates r, double m, double n, double k) => new()
    {
        Gemm = new Seconds(Roofline.GemmSeconds(r, m, n, k, _weightBytes, _activationBytes)),
        HardwareFlops = new Flops(2 * m * n * k),
        WeightBytes = new Bytes(n * k * _weightBytes),
    };

    /// <summary>
    /// Output layer (logits GEMM over the TP-sharded vocabulary plus the loss's forward passes over the logits,
    /// <paramref name="bytesPerLogit"/> each (<see cref="LossTraffic"/>); its weight
    /// bytes include the final norm's vector.
    /// </summary>
    public LayerTime Head(in DeviceRates r, double tokens, int tp, double bytesPerLogit)
    {
        double v = (double)_m.Vocab / tp;
        var g = UnquantizedGemm(r, tokens, v, _m.Hidden);
        double softmax = tokens * v * bytesPerLogit;
        return g + (ElementwiseTime(Roofline.StreamSeconds(r, softmax)) with { WeightBytes = new Bytes(_m.Hidden * _activationBytes) });
    }

    /// <summary>
    /// A serving engine's sampler beyond the head's own pass: <paramref name="bytesPerEntry"/> over the whole vocabulary
    /// for each of <paramref name="tokens"/> sampled tokens, on every tensor-parallel rank (<see cref="Inference.SamplerTraffic"/>).
    /// </summary>
    public LayerTime Sampler(in DeviceRates r, double tokens, double bytesPerEntry) =>
        ElementwiseTime(Roofline.StreamSeconds(r, tokens * _m.Vocab * bytesPerEntry));
}
