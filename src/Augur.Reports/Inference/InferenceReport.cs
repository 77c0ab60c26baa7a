using System.Text.Json.Nodes;
using Augur.CostModels;
using Augur.CostModels.Inference;
using Augur.CostModels.Uncertainty;
using Augur.Domain.Workloads;
using Augur.Reports.Console;
using Augur.Reports.Json;
using Augur.Reports.Training;
using Augur.Workflows;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Augur.Reports.Inference;

/// <summary>Tables and JSON for one serving estimate.</summary>
public static class InferenceReport
{
    public static IRenderable[] Tables(Scenario s, InferenceEstimate e, ErrorBand? band, BurstThroughput? burst = null)
    {
        var job = s.Inference!;
        var l = e.Layout;
        bool fits = e.Fits;
        var t = Render.Table("metric", "value");
        t.AddRow("model", s.Model.Name);
        t.AddRow("hardware", $"{s.Cluster.Gpus} × {s.Cluster.Accelerator.Id} (scale-up domain {s.Cluster.ScaleUpDomain}{Format.Hypothetical(s.Cluster.Accelerator)})");
        t.AddRow("layout", $"tp{l.Tp} pp{l.Pp} ep{l.Ep} dp_attention{l.DpAttention} × {l.Replicas} replicas ({job.Mode.ToString().ToLowerInvariant()}{Format.Eager(job.CudaGraphs)})");
        string spread = job.InputTokensCv > 0 || job.OutputTokensCv > 0
            ? $" (mean; cv {Format.N(job.InputTokensCv, "0.##")} / {Format.N(job.OutputTokensCv, "0.##")})" : "";
        t.AddRow("request", $"{job.InputTokens} in / {job.OutputTokens} out{spread}, weights {WeightsLabel(s)}, KV {Augur.Domain.Hardware.PrecisionInfo.Label(job.KvPrecision)}, prefix hit {Format.Pct(job.PrefixHitRate)}");
        string capped = job.Concurrency is { } asked && asked > e.Concurrency
            ? $"; {asked} asked, but its prompts could not be prefilled fast enough to keep more in flight" : "";
        t.AddRow("concurrency per replica", $"{e.Concurrency} (max that fits: {e.MaxConcurrency}{capped})");
        t.AddRow("TTFT", Format.Seconds(e.Ttft.Value));
        t.AddRow(job.Mode == Augur.Domain.Workloads.ServingMode.Disaggregated ? "TPOT (excludes first token)" : "TPOT (excl. first token, incl. prefill stalls)", e.Tpot.Value > 0 ? $"{Format.Seconds(e.Tpot.Value)} ({Format.N(1 / e.Tpot.Value, "0.#")} tok/s per user)" : "none (one output token)");
        if (job.SloPercentile is { } q)
        {
            string p = "p" + Format.N(q, "0.###");
            if (e.TtftAtPercentile is { } ttft)
                t.AddRow($"TTFT {p} over requests", $"{Format.Seconds(ttft.Value)} ({(job.TtftLimit is { } tl ? $"ttft_ms {Format.N(tl * 1000, "0.###")} bounds it" : "no ttft_ms")}; Poisson arrivals)");
            if (e.TpotAtPercentile is { } tpot)
                t.AddRow($"TPOT {p} over requests", $"{Format.Seconds(tpot.Value)} ({(job.TpotLimit is { } pl ? $"tpot_ms {Format.N(pl * 1000, "0.###")} bounds it" : "no tpot_ms")}; Poisson arrivals)");
        }
        t.AddRow("output tok/s per GPU / total", fits ? $"{Format.N(e.OutputTokensPerSecondPerGpu, "0")} / {Format.N(e.OutputTokensPerSecondTotal, "0")}" : TrainingReport.NotRun);
        t.AddRow("output tok/s per GPU range", fits ? BandReport.ThroughputText(band, e.OutputTokensPerSecondPerGpu) : TrainingReport.NotRun);
        if (burst is not null)
            t.AddRow($"output tok/s per GPU, {Format.N(burst.Requests, "N0")} requests at once", $"{Format.N(burst.OutputTokensPerSecondPerGpu, "0")} (simulated: all served in {Format.Seconds(burst.Makespan.Value)}, ramp and tail included)");
        t.AddRow("input tok/s per GPU in prefill", fits ? Format.N(e.PrefillInputTokensPerSecondPerGpu, "0") : TrainingReport.NotRun);
        t.AddRow("bound (prefill / decode)", $"{e.PrefillBound.Label()} / {e.DecodeBound.Label()}");
        t.AddRow("memory per GPU", $"{Format.N(e.MemoryGiBPerGpu, "0.0")} GiB of {Format.N(s.Cluster.Accelerator.HbmCapacity.GiB, "0.0")} GiB ({(e.Fits ? "fits" : "DOES NOT FIT")})");
        t.AddRow("$ per million output tokens", !fits ? TrainingReport.NotRun : e.UsdPerMillionOutputTokens > 0 ? "$" + Format.N(e.UsdPerMillionOutputTokens, "0.###") : "no price");
        t.AddRow("joules per output token", fits ? Format.N(e.JoulesPerOutputToken, "0.###") : TrainingReport.NotRun);
        if (e.Disaggregated is { } d)
        {
            t.AddRow("prefill : decode GPUs", $"{d.PrefillGpus} : {d.DecodeGpus} (balanced ratio {Format.N(d.BalancedPrefillPerDecodeGpu, "0.###")} prefill per decode GPU; limited by {d.Limiter})");
            t.AddRow("KV transfer per prompt", $"{Format.Seconds(d.KvTransfer.Value)} ({Format.Pct(d.KvNicShare)} of a decode GPU's link)");
        }
        if (!fits)
            return [Render.Line(NotFitting(e, s)),
                t, BandReport.Basis(band), PhaseReport.Table(e), TrainingReport.MemoryTable(e.MemoryPerGpu)];
        return [t, BandReport.Basis(band), PhaseReport.Table(e), TrainingReport.MemoryTable(e.MemoryPerGpu)];
    }

    /// <summary>
    /// The stored weight formats: the layers' (with the GEMM precision when they are dequantized into it), then the
    /// routed experts' when they differ from the scenario's (gpt-oss on Hopper: "bf16 (experts mxfp4 on bf16 GEMMs)").
    /// </summary>
    static string WeightsLabel(Scenario s)
    {
        var job = s.Inference!;
        string layers = Stored(job.LayerWeights(s.Precision), s.Precision);
        if (job.ExpertPrecision is null && job.ExpertWeightFormat is null) return layers;
        return $"{layers} (experts {Stored(job.ExpertWeights(s.Precision), job.ExpertGemm(s.Precision))})";
    }

    static string Stored(Augur.Domain.Hardware.WeightFormat format, Augur.Domain.Hardware.Precision gemm) =>
        format.Label == Augur.Domain.Hardware.PrecisionInfo.Label(gemm) ? format.Label : $"{format.Label} on {Augur.Domain.Hardware.PrecisionInfo.Label(gemm)} GEMMs";

    /// <summary>
    /// Why an estimate cannot run, in one line. Its memory over the usable share of HBM, or, where the memory adds up
    /// but the engine's pools do not (SGLang splits the memory left between KV cache and linear-attention state slots,
    /// so one pool fills first), the sequences asked against those the pools hold.
    /// </summary>
    static string NotFitting(InferenceEstimate e, Scenario s)
    {
        var job = s.Inference!;
        if (e.MemoryGiBPerGpu > Usable(s) || e.Concurrency <= e.MaxConcurrency)
            return TrainingReport.DoesNotFit(e.MemoryGiBPerGpu, Usable(s), $"the {e.Concurrency} sequences per replica need more than the usable memory ({Format.Pct(job.MemoryFraction)} of HBM); lower inference.concurrency, spread the replica over more GPUs, or use fp8 weights or KV cache");
        return $"DOES NOT FIT: {e.Concurrency} sequences per replica, but the engine's KV cache and state pools hold {e.MaxConcurrency} in the usable memory ({Format.Pct(job.MemoryFraction)} of HBM); "
            + $"{TrainingReport.CannotRun}; lower inference.concurrency to {e.MaxConcurrency} or spread the replica over more GPUs";
    }

    /// <summary>HBM a serving GPU may fill: its capacity times the job's memory fraction.</summary>
    static double Usable(Scenario s) => s.Cluster.Accelerator.HbmCapacity.GiB * s.Inference!.MemoryFraction;

    public static JsonObject LayoutJson(in InferenceLayout l) =>
        new() { ["tp"] = l.Tp, ["pp"] = l.Pp, ["ep"] = l.Ep, ["dp_attention"] = l.DpAttention, ["replicas"] = l.Replicas };

    /// <summary>The request the estimate is for: mean lengths and their spread, and the precisions.</summary>
    static JsonObject RequestJson(Scenario s)
    {
        var job = s.Inference!;
        return new JsonObject
        {
            ["input_tokens"] = job.InputTokens,
            ["output_tokens"] = job.OutputTokens,
            ["input_tokens_cv"] = JsonOut.Num(job.InputTokensCv),
            ["output_tokens_cv"] = JsonOut.Num(job.OutputTokensCv),
            ["prefix_hit_rate"] = JsonOut.Num(job.PrefixHitRate),
            ["precision"] = Augur.Domain.Hardware.PrecisionInfo.Label(s.Precision),
            ["expert_precision"] = s.Model.Moe is null ? null : Augur.Domain.Hardware.PrecisionInfo.Label(job.ExpertPrecision ?? s.Precision),
            ["weight_precision"] = job.LayerWeights(s.Precision).Label,
            ["expert_weight_precision"] = s.Model.Moe is null ? null : job.ExpertWeights(s.Precision).Label,
            ["kv_precision"] = Augur.Domain.Hardware.PrecisionInfo.Label(job.KvPrecision),
            ["routing"] = s.Model.Moe is null ? null : job.Routing.ToString().ToLowerInvariant(),
        };
    }

    public static JsonObject Json(Scenario s, InferenceEstimate e, ErrorBand? band, BurstThroughput? burst = null)
    {
        var o = new JsonObject
        {
            ["workload"] = "inference",
            ["model"] = s.Model.Name,
            ["hardware"] = s.Cluster.Accelerator.Id,
            ["calibration"] = s.Cluster.Accelerator.Family,
            ["gpus"] = s.Cluster.Gpus,
            ["layout"] = LayoutJson(e.Layout),
            ["mode"] = s.Inference!.Mode.ToString().ToLowerInvariant(),
            ["cuda_graphs"] = s.Inference!.CudaGraphs,
            ["request"] = RequestJson(s),
            ["concurrency"] = e.Concurrency,
            ["max_concurrency"] = e.MaxConcurrency,
            ["ttft_s"] = JsonOut.Num(e.Ttft.Value),
            ["tpot_s"] = JsonOut.Num(e.Tpot.Value),
            ["prefill_seconds_per_prompt"] = JsonOut.Num(e.PrefillPerPrompt.Value),
            ["tpot_definition"] = s.Inference!.Mode == Augur.Domain.Workloads.ServingMode.Disaggregated
                ? "mean time per output token after the first: decode step / tokens per step"
                : "mean time per output token after the first: decode steps plus the interleaved prefill chunks of the other sequences",
            ["output_tokens_per_s"] = e.Fits ? JsonOut.Num(e.OutputTokensPerSecondTotal) : null,
            ["output_tokens_per_s_per_gpu"] = e.Fits ? JsonOut.Num(e.OutputTokensPerSecondPerGpu) : null,
            ["output_tokens_per_s_per_gpu_band"] = e.Fits ? BandReport.ThroughputJson(band, e.OutputTokensPerSecondPerGpu) : null,
            ["input_tokens_per_s_per_gpu"] = e.Fits ? JsonOut.Num(e.PrefillInputTokensPerSecondPerGpu) : null,
            ["memory_gib_per_gpu"] = JsonOut.Num(e.MemoryGiBPerGpu),
            ["fits"] = e.Fits,
            ["bound"] = new JsonObject { ["prefill"] = e.PrefillBound.Label(), ["decode"] = e.DecodeBound.Label() },
            ["usd_per_million_output_tokens"] = e.Fits ? JsonOut.Num(e.UsdPerMillionOutputTokens) : null,
            ["joules_per_output_token"] = e.Fits ? JsonOut.Num(e.JoulesPerOutputToken) : null,
            ["phases"] = PhaseReport.Json(e),
        };
        if (s.Inference!.SloPercentile is { } q)
            o["slo_percentile"] = new JsonObject
            {
                ["percentile"] = JsonOut.Num(q),
                ["ttft_s"] = e.TtftAtPercentile is { } ttft ? JsonOut.Num(ttft.Value) : null, ["ttft_bound_s"] = s.Inference.TtftLimit is { } tl ? JsonOut.Num(tl) : null,
                ["tpot_s"] = e.TpotAtPercentile is { } tpot ? JsonOut.Num(tpot.Value) : null, ["tpot_bound_s"] = s.Inference.TpotLimit is { } pl ? JsonOut.Num(pl) : null,
            };
        if (burst is not null)
            o["burst"] = new JsonObject
            {
                ["requests"] = burst.Requests, ["makespan_s"] = JsonOut.Num(burst.Makespan.Value),
                ["output_tokens_per_s_per_gpu"] = JsonOut.Num(burst.OutputTokensPerSecondPerGpu),
                ["decode_output_tokens_per_s_per_gpu"] = JsonOut.Num(burst.DecodeOutputTokensPerSecondPerGpu),
            };
        if (!e.Fits) o["shortfall_gib_per_gpu"] = JsonOut.Num(Math.Max(0, e.MemoryGiBPerGpu - Usable(s)));
        if (e.Disaggregated is { } d)
            o["disaggregated"] = new JsonObject
            {
                ["prefill_gpus"] = d.PrefillGpus, ["decode_gpus"] = d.DecodeGpus, ["kv_transfer_s"] = JsonOut.Num(d.KvTransfer.Value),
                ["kv_nic_share"] = JsonOut.Num(d.KvNicShare), ["balanced_prefill_per_decode_gpu"] = JsonOut.Num(d.BalancedPrefillPerDecodeGpu), ["limiter"] = d.Limiter,
            };
        return o;
    }
}
