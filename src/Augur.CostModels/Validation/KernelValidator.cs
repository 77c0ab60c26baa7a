using Augur.CostModels.Calibration;
using Augur.CostModels.Compute;
using Augur.CostModels.Operators;
using Augur.Domain.Hardware;
using Augur.Domain.Models;
using Augur.Domain.Workloads;
using Augur.Units;

namespace Augur.CostModels.Validation;

/// <summary>One measured kernel beside the operator model's time for it.</summary>
public sealed record KernelResult(string Group, string Label, Seconds Predicted, Seconds Measured)
{
    /// <summary>Predicted time / measured time − 1: positive when Augur thinks the kernel slower than it ran.</summary>
    public double Error => Predicted / Measured - 1;
}

/// <summary>A measured sustained GEMM rate as a fraction of the dense peak, beside the calibrated GEMM efficiency.</summary>
public sealed record SustainedCheck(Precision Precision, double MeasuredEfficiency, double CalibratedEfficiency, double PowerWatts, double SmClockMhz);

/// <summary>Every kernel of one measurement set beside its prediction, and the sustained-rate checks.</summary>
public sealed record KernelValidation(KernelMeasurementSet Set, Accelerator Accelerator, IReadOnlyList<KernelResult> Results, IReadOnlyList<SustainedCheck> Sustained);

/// <summary>
/// Times each measured kernel with the same roofline the training, serving and RL models use
/// (<see cref="Roofline"/>: GEMMs, fused attention with its per-row work, streaming copies; training charges the
/// backward as <see cref="Roofline.FlashBackwardFactor"/> times the forward) on the accelerator's spec-sheet peaks and its
/// family calibration, so the operator layer is checked against hardware rather than only end-to-end runs.
/// Prefill and chunk attention are compared on the cuDNN backend (the fused Hopper kernel Transformer Engine and the serving
/// engines use), not on PyTorch's FlashAttention-2 backend; decode attention on PyTorch's default choice.
/// </summary>
public static class KernelValidator
{
    /// <summary>Activations (and GEMM outputs) are BF16 in every measured kernel.</summary>
    const double ActivationBytes = 2.0;

    public static KernelValidation Validate(KernelMeasurementSet set, Accelerator a, HardwareCalibration cal) =>
        new(set, a, Run(set, a, cal), Sustained(set, a, cal));

    public static IReadOnlyList<KernelResult> Run(KernelMeasurementSet set, Accelerator a, HardwareCalibration cal)
    {
        var results = new List<KernelResult>();
        foreach (var g in set.Gemms)
        {
            var r = new DeviceRates(a, cal, g.Precision);
            double predicted = Roofline.GroupedGemmSeconds(r, g.Groups, g.M, g.N, g.K, g.Precision.BytesPerElement(), ActivationBytes);
            string group = g.Groups > 1 ? $"expert gemm {g.Precision.Label()} (batched)" : $"gemm {g.Precision.Label()}";
            string label = g.Groups > 1 ? $"{g.Groups}x m={g.M} n={g.N} k={g.K}" : $"m={g.M} n={g.N} k={g.K}";
            // Batched rows are labelled "… x<E> experts (bmm)"; the count is already in the kernel label.
            int cut = g.Groups > 1 ? g.Label.LastIndexOf(" x", StringComparison.Ordinal) : -1;
            results.Add(new KernelResult(group, $"{label} ({(cut > 0 ? g.Label[..cut] : g.Label)})", new(predicted), g.Measured));
        }
        // Where the set also times the engine's own Linear layers on this chip, the MoE layer is checked a second time with
        // its expert GEMMs costed from that table per expert (EngineLinear), as serving costs its dense layers: the check
        // that keeps the table off the routed experts.
        var kernels = set.Serves?.Covers(a.KernelId) == true ? new EngineLinearKernels(set, a) : null;
        var engine = kernels is null ? null : EngineLinear.Of(kernels);
        // Where serving takes the set's fused MoE layers, each shape is also timed from the other shapes' ratios (the nearest
        // of them), as serving times a model the table never measured: the check on that transfer.
        var fused = kernels is null ? null : EngineMoe.Of(kernels);
        foreach (var m in set.MoeLayers)
        {
            string label = $"{m.Label} T={m.Tokens} tp{m.Tp} ep{m.Ep}";
            // A path the set does not serve is TensorRT-LLM's min-latency layer, which routes inside as its cutlass path does.
            bool routing = m.Path != set.Serves?.Moe?.Path || set.Serves.Moe.IncludesRouting;
            results.Add(new KernelResult($"moe layer {m.Precision.Label()} {m.Path}", label, new(MoeLayerSeconds(m, new DeviceRates(a, cal, m.Precision), routing)), m.Measured));
            var served = new DeviceRates(a, cal, m.Precision, engine: engine);
            if (served.Linear is not null)
                results.Add(new KernelResult($"moe layer {m.Precision.Label()} {m.Path}, engine Linear table", label, new(MoeLayerSeconds(m, served, routing)), m.Measured));
            if (m.Path == set.Serves?.Moe?.Path
                && fused?.On(a, m.Precision)?.Without(m.Hidden, (double)m.ExpertFfn / m.Tp, (double)m.Experts / m.Ep, m.TopK) is { } others)
                results.Add(new KernelResult($"moe layer {m.Precision.Label()} {m.Path}, from the other measured shapes", label,
                    new(MoeLayerSeconds(m, new DeviceRates(a, cal, m.Precision) with { Moe = others })), m.Measured));
        }
        var bf16 = new DeviceRates(a, cal, Precision.BF16);
        foreach (var c in set.Copies.Where(c => c.Graphed == c.Size.Value < MeasuredKernels.LargestGraphedCopy))
            results.Add(new KernelResult("copy", $"{c.Size.Value / (1 << 20):0} MiB{(c.Graphed ? "" : " (plain launch)")}",
                new(Roofline.StreamSeconds(bf16, 2 * c.Size.Value)), c.Measured));
        foreach (var s in set.Attention)
        {
            // Prefill and chunk rows are compared on cuDNN, decode rows on PyTorch's default choice (see above); every row of a
            // serving engine's own table (serves) is that engine's kernel and is compared, whether or not serving takes it.
            bool engineRow = set.Serves is not null;
            bool engineDecode = engineRow && s.Phase == AttentionPhase.Decode;
            if (!engineRow && s.Backend != (s.Phase == AttentionPhase.Decode ? "default" : "CUDNN_ATTENTION")) continue;
            double q = s.Batch * s.Heads * s.QueryTokens * s.HeadDim * ActivationBytes;
            double o = s.Batch * s.Heads * s.QueryTokens * s.ValueDim * ActivationBytes;
            double kv = s.Batch * s.KvHeads * s.KeyTokens * (s.HeadDim + s.ValueDim) * s.KvPrecision.BytesPerElement();
            double context = MeasuredKernels.AttendedKeys(s);
            // An 8-bit cache is attended at its own calibrated rate, as serving does (PrecisionRules.Attention).
            var rates = s.KvPrecision.BytesPerElement() == ActivationBytes ? bf16 : new DeviceRates(a, cal, Precision.BF16, s.KvPrecision);
            double fwd = Roofline.AttentionSeconds(rates, MeasuredKernels.Flops(s), kv + q + o, context);
            string mla = s.HeadDim != s.ValueDim ? "MLA " : "";
            switch (s.Phase)
            {
                case AttentionPhase.Decode:
                    results.Add(engineDecode
                        ? new KernelResult($"decode attention ({s.Backend}{(s.KvPrecision == Precision.BF16 ? "" : $", {s.KvPrecision.Label()} KV cache")})",
                            $"batch {s.Batch} x {s.Heads}/{s.KvHeads} heads, context {s.KeyTokens}", new(fwd), s.Forward)
                        : new KernelResult("decode attention", $"batch {s.Batch}, context {s.KeyTokens}", new(fwd), s.Forward));
                    break;
                case AttentionPhase.Chunk:
                    results.Add(new KernelResult(mla + "chunk attention (cached prefix)",
                        $"batch {s.Batch} x {s.Heads} heads, {s.QueryTokens} queries over {s.KeyTokens} keys, {s.HeadDim}/{s.ValueDim} wide", new(fwd), s.Forward));
                    break;
                default:
                    string heads = engineRow ? $"{s.Heads}/{s.KvHeads}" : $"{s.Heads}";
                    string label = $"batch {s.Batch} x {heads} heads, {s.QueryTokens} tokens, {s.HeadDim}/{s.ValueDim} wide";
                    results.Add(new KernelResult(mla + "prefill attention forward" + (engineRow ? $" ({s.Backend})" : ""), label, new(fwd), s.Forward));
                    if (s.ForwardBackward is { } fb)
                        results.Add(new KernelResult(mla + "attention forward+backward (training)", label, new(fwd * (1 + Roofline.FlashBackwardFactor(bf16, context))), fb));
                    break;
            }
        }
        return results;
    }

    /// <summary>
    /// Augur's cost of one fused MoE layer (<see cref="LayerCost.FusedMoe"/>) on the timed rank: the sample's tokens routed
    /// evenly (the table's balanced logits), tokens × top-k / ep expert visits over the experts / ep it holds, each
    /// expert's FFN split over tp; gated (SwiGLU) experts, weights stored in the GEMM precision, 16-bit activations.
    /// </summary>
    public static double MoeLayerSeconds(MoeLayerSample m, in DeviceRates r, bool routing = true)
    {
        var model = new ModelSpec
        {
            Name = m.Label, Layers = 1, Hidden = m.Hidden, Heads = 1, KvHeads = 1, HeadDim = m.Hidden, Ffn = m.ExpertFfn, Vocab = 1, GatedMlp = true,
            Moe = new MoeSpec(m.Experts, m.TopK, 0, m.ExpertFfn, 0, 0),
        };
        var layer = new LayerCost(model, ActivationBytes, m.Precision.StoredBytesPerWeight());
        double visits = m.Tokens * m.TopK / m.Ep * ExpertRouting.RankFactor(ExpertRoutingMode.Balanced, m.Experts, m.TopK, m.Ep, m.Tokens);
        var shape = new LayerShape
        {
            Tokens = m.Tokens, FullContext = 0, WindowContext = 0, Tp = m.Tp, Etp = m.Tp, ExpertTokenVisits = visits,
            ExpertsTouched = ExpertRouting.TouchedExperts(ExpertRoutingMode.Balanced, m.Experts, m.TopK, m.Tokens) / m.Ep, ExpertsPerRank = (double)m.Experts / m.Ep,
        };
        return layer.FusedMoe(r, shape, r, routing).Total.Value;
    }

    /// <summary>Median achieved rate after warm-up per precision, as a fraction of the dense peak.</summary>
    public static IReadOnlyList<SustainedCheck> Sustained(KernelMeasurementSet set, Accelerator a, HardwareCalibration cal) =>
        MeasuredKernels.Settled(set).GroupBy(s => s.Precision).Select(g =>
            new SustainedCheck(g.Key, MeasuredKernels.Median(g.Select(s => s.Rate.PerSecond)) / a.Peak(g.Key).PerSecond, cal.Gemm(g.Key),
                MeasuredKernels.Median(g.Select(s => s.Power.Value)), MeasuredKernels.Median(g.Select(s => s.SmClockMhz)))).ToList();
}
