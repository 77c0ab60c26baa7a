using System.Text.Json.Nodes;
using Augur.CostModels.Inference;
using Augur.CostModels.Uncertainty;
using Augur.Domain.Workloads;
using Augur.Reports.Console;
using Augur.Reports.Json;
using Augur.Simulation.Serving;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Augur.Reports.Simulation;

/// <summary>Tables and JSON for one request-level serving simulation, beside the steady-state estimate.</summary>
public static class SimulationReport
{
    /// <summary>Rows of the compact time-series table.</summary>
    public const int SeriesRows = 10;

    static readonly System.Globalization.CultureInfo Inv = System.Globalization.CultureInfo.InvariantCulture;

    public static IRenderable[] Tables(Scenario s, InferenceEstimate e, SimulationSetup setup, ServingResult r, ErrorBand? band)
    {
        var ss = SteadyState.Of(s, e);
        var lat = Render.Table("latency", "p50", "p90", "p99", "steady-state");
        lat.AddRow("TTFT", Time(r.TimeToFirstToken.P50), Time(r.TimeToFirstToken.P90), Time(r.TimeToFirstToken.P99), Time(ss.Ttft) + " (no queueing)");
        lat.AddRow("TPOT (excludes first token)", Time(r.TimePerOutputToken.P50), Time(r.TimePerOutputToken.P90), Time(r.TimePerOutputToken.P99), Time(ss.Tpot));
        lat.AddRow("end-to-end", Time(r.EndToEnd.P50), Time(r.EndToEnd.P90), Time(r.EndToEnd.P99), Time(ss.EndToEnd));

        var t = Render.Table("metric", "simulated", "steady-state");
        t.AddRow("output tok/s total", Format.N(r.OutputThroughput.PerSecond, "0"), Format.N(ss.OutputPerSecond, "0"));
        t.AddRow("output tok/s per GPU", Format.N(r.OutputThroughput.PerSecond / setup.Gpus, "0"), Format.N(e.OutputTokensPerSecondPerGpu, "0"));
        t.AddRow("output tok/s per GPU range", "", BandReport.ThroughputText(band, e.OutputTokensPerSecondPerGpu));
        t.AddRow("requests/s", Format.N(r.RequestsPerSecond, "0.###"), Format.N(ss.RequestsPerSecond, "0.###"));
        t.AddRow("goodput requests/s (SLO met)", $"{Format.N(r.GoodputRequestsPerSecond, "0.###")} ({Format.Pct(r.SloAttainment)})", Slo(r.Slo));
        t.AddRow("makespan", Format.Seconds(r.Makespan.Value), "");
        t.AddRow("preemptions / iterations", $"{r.Preemptions} / {r.Iterations}", "");
        var q = Stats(r.TimeSeries);
        t.AddRow("queued requests peak / mean", $"{Format.N(q.Queue.Peak, "0")} / {Format.N(q.Queue.Mean, "0.#")}", "");
        t.AddRow("running sequences peak / mean", $"{Format.N(q.Running.Peak, "0")} / {Format.N(q.Running.Mean, "0.#")}", $"{e.Concurrency} per {(setup.DecodeReplicas > 0 ? "decode " : "")}replica");
        t.AddRow("KV cache used peak / mean", $"{Format.Pct(q.Kv.Peak)} / {Format.Pct(q.Kv.Mean)}", "");

        var series = Render.Table("time", "queued", "running", "KV used");
        foreach (var p in SeriesSummary.Evenly(r.TimeSeries.Samples, SeriesRows))
            series.AddRow(Format.Seconds(p.Time.Value), p.WaitingRequests.ToString(Inv), p.RunningSequences.ToString(Inv), Format.Pct(p.KvCacheUsedFraction));
        return [Render.Line(Header(s, e, setup, r)), lat, t, BandReport.Basis(band), series];
    }

    public static JsonObject Json(Scenario s, InferenceEstimate e, SimulationSetup setup, ServingResult r, ErrorBand? band)
    {
        var ss = SteadyState.Of(s, e);
        var q = Stats(r.TimeSeries);
        var spec = setup.Spec;
        return new JsonObject
        {
            ["workload"] = "inference",
            ["model"] = s.Model.Name,
            ["hardware"] = s.Cluster.Accelerator.Id,
            ["gpus"] = setup.Gpus,
            ["mode"] = s.Inference!.Mode.ToString().ToLowerInvariant(),
            ["cuda_graphs"] = s.Inference!.CudaGraphs,
            ["layout"] = new JsonObject { ["tp"] = e.Layout.Tp, ["pp"] = e.Layout.Pp, ["ep"] = e.Layout.Ep, ["dp_attention"] = e.Layout.DpAttention },
            ["replicas"] = setup.PrefillReplicas + setup.DecodeReplicas,
            ["prefill_replicas"] = setup.DecodeReplicas > 0 ? setup.PrefillReplicas : null,
            ["decode_replicas"] = setup.DecodeReplicas > 0 ? setup.DecodeReplicas : null,
            ["arrival"] = spec.Arrival.ToString().ToLowerInvariant(),
            ["rate_per_s"] = setup.RatePerSecond is { } rate ? JsonOut.Num(rate) : null,
            ["seed"] = spec.Seed,
            ["max_batch"] = setup.Options.MaxBatchSequences,
            ["chunk_tokens"] = setup.Options.ChunkTokenBudget,
            ["routing"] = setup.Options.Routing == RoutingPolicy.RoundRobin ? "round_robin" : "least_loaded",
            ["requests"] = r.RequestCount,
            ["makespan_s"] = JsonOut.Num(r.Makespan.Value),
            ["ttft_s"] = Latency(r.TimeToFirstToken),
            ["tpot_s"] = Latency(r.TimePerOutputToken),
            ["e2e_s"] = Latency(r.EndToEnd),
            ["output_tokens_per_s"] = JsonOut.Num(r.OutputThroughput.PerSecond),
            ["output_tokens_per_s_per_gpu"] = JsonOut.Num(r.OutputThroughput.PerSecond / setup.Gpus),
            ["requests_per_s"] = JsonOut.Num(r.RequestsPerSecond),
            ["goodput_requests_per_s"] = JsonOut.Num(r.GoodputRequestsPerSecond),
            ["slo_attainment"] = JsonOut.Num(r.SloAttainment),
            ["slo"] = new JsonObject { ["ttft_s"] = JsonOut.Num(r.Slo.MaxTimeToFirstToken.Value), ["tpot_s"] = JsonOut.Num(r.Slo.MaxTimePerOutputToken.Value) },
            ["preemptions"] = r.Preemptions,
            ["iterations"] = r.Iterations,
            ["queued_requests"] = PeakMean(q.Queue),
            ["running_sequences"] = PeakMean(q.Running),
            ["kv_cache_used"] = PeakMean(q.Kv),
            ["steady_state"] = new JsonObject
            {
                ["ttft_s"] = JsonOut.Num(ss.Ttft), ["tpot_s"] = JsonOut.Num(ss.Tpot), ["e2e_s"] = JsonOut.Num(ss.EndToEnd),
                ["output_tokens_per_s"] = JsonOut.Num(ss.OutputPerSecond), ["output_tokens_per_s_per_gpu"] = JsonOut.Num(e.OutputTokensPerSecondPerGpu),
                ["output_tokens_per_s_per_gpu_band"] = BandReport.ThroughputJson(band, e.OutputTokensPerSecondPerGpu),
                ["requests_per_s"] = JsonOut.Num(ss.RequestsPerSecond), ["concurrency"] = e.Concurrency,
            },
            ["series_interval_s"] = JsonOut.Num(r.TimeSeries.Interval.Value),
            ["series"] = new JsonArray(r.TimeSeries.Samples.Select(p => (JsonNode)new JsonObject
            {
                ["t_s"] = JsonOut.Num(p.Time.Value), ["queued"] = p.WaitingRequests, ["running"] = p.RunningSequences, ["kv_used"] = JsonOut.Num(p.KvCacheUsedFraction),
            }).ToArray()),
        };
    }

    static string Header(Scenario s, InferenceEstimate e, SimulationSetup setup, ServingResult r)
    {
        var l = e.Layout;
        string pools = setup.DecodeReplicas > 0 ? $"{setup.PrefillReplicas} prefill + {setup.DecodeReplicas} decode replicas" : $"{setup.PrefillReplicas} replicas";
        string arrival = setup.RatePerSecond is { } rate
            ? $"{setup.Spec.Arrival.ToString().ToLowerInvariant()} arrivals at {Format.N(rate, "0.###")} req/s{(setup.Spec.Arrival == ArrivalKind.Gamma ? $" (cv {Format.N(setup.Spec.Cv)})" : "")}, seed {setup.Spec.Seed}"
            : setup.Spec.Arrival == ArrivalKind.Burst ? $"all queued at 0 s (burst), seed {setup.Spec.Seed}"
            : $"trace {Path.GetFileName(setup.Spec.TracePath)}";
        return $"{s.Model.Name} on {setup.Gpus} × {s.Cluster.Accelerator.Id}: tp{l.Tp} pp{l.Pp} ep{l.Ep} dp_attention{l.DpAttention}, {pools}{Format.Eager(s.Inference!.CudaGraphs)}\n"
               + $"{r.RequestCount} requests, {arrival}; max batch {setup.Options.MaxBatchSequences}, chunk {setup.Options.ChunkTokenBudget} tokens";
    }

    static string Time(Augur.Units.Seconds s) => Format.Seconds(s.Value);
    static string Time(double seconds) => Format.Seconds(seconds);

    static string Slo(ServiceLevelObjective slo) =>
        slo == ServiceLevelObjective.None ? "no SLO (inference.ttft_ms / tpot_ms)"
            : "SLO " + string.Join(", ", new[] { ("TTFT", slo.MaxTimeToFirstToken.Value), ("TPOT", slo.MaxTimePerOutputToken.Value) }
                .Where(x => double.IsFinite(x.Item2)).Select(x => $"{x.Item1} ≤ {Time(x.Item2)}"));

    static JsonObject Latency(LatencySummary l) => new()
    {
        ["mean"] = JsonOut.Num(l.Mean.Value), ["p50"] = JsonOut.Num(l.P50.Value), ["p90"] = JsonOut.Num(l.P90.Value),
        ["p99"] = JsonOut.Num(l.P99.Value), ["max"] = JsonOut.Num(l.Max.Value),
    };

    static JsonObject PeakMean(PeakMean p) => new() { ["peak"] = JsonOut.Num(p.Peak), ["mean"] = JsonOut.Num(p.Mean) };

    static (PeakMean Queue, PeakMean Running, PeakMean Kv) Stats(ServingTimeSeries ts) =>
        (Augur.Simulation.Serving.PeakMean.Of(ts.Samples, p => p.WaitingRequests),
         Augur.Simulation.Serving.PeakMean.Of(ts.Samples, p => p.RunningSequences),
         Augur.Simulation.Serving.PeakMean.Of(ts.Samples, p => p.KvCacheUsedFraction));

    /// <summary>The steady-state estimator's figures to show beside the simulation.</summary>
    readonly record struct SteadyState(double Ttft, double Tpot, double EndToEnd, double OutputPerSecond, double RequestsPerSecond)
    {
        public static SteadyState Of(Scenario s, InferenceEstimate e)
        {
            int output = s.Inference!.OutputTokens;
            return new(e.Ttft.Value, e.Tpot.Value, e.Ttft.Value + (output - 1) * e.Tpot.Value, e.OutputTokensPerSecondTotal, e.OutputTokensPerSecondTotal / output);
        }
    }
}
