using System.Globalization;
using System.Text.Json.Nodes;
using Augur.CostModels;
using Augur.Domain.Workloads;
using Augur.Reports.Console;
using Augur.Reports.Json;
using Augur.Search.Inference;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Augur.Reports.Inference;

/// <summary>Tables and JSON for a serving layout search.</summary>
public static class InferencePlanReport
{
    public static IRenderable[] Tables(InferencePlan p)
    {
        var t = Render.Table("#", "layout", "mode P:D", "batch", "TTFT ms", "TPOT ms", "tok/s/user", "tok/s/GPU", "$/Mtok", "GiB", "bound");
        int i = 1;
        foreach (var e in p.Ranked)
            t.AddRow(Row((i++).ToString(CultureInfo.InvariantCulture), e));
        var f = Render.Table("tok/s/user", "tok/s/GPU", "layout", "mode P:D", "batch", "TPOT ms", "TTFT ms");
        foreach (var e in p.Pareto)
            f.AddRow(Format.N(e.TokensPerSecondPerUser, "0.#"), Format.N(e.TokensPerSecondPerGpu, "0"), Layout(e), ModeAndSplit(e),
                e.Batch.ToString(CultureInfo.InvariantCulture), Ms(e.Estimate.Tpot.Value), Ms(e.Estimate.Ttft.Value));
        string summary = FormattableString.Invariant($"objective {Objective(p.Objective)}: searched {p.Enumerated:N0} (layout, mode) pairs in {p.SearchSeconds:0.###} s: ")
                         + FormattableString.Invariant($"{p.PrunedByMemory:N0} discarded for memory before costing, {p.PointsEvaluated:N0} (layout, mode, batch) points costed, {p.PointsFeasible:N0} fit and meet the limits");
        var items = new List<IRenderable> { Render.Line(summary), t };
        foreach (var w in p.Why) items.Add(Render.Line(w.Message));
        items.Add(Render.Line("Pareto front: tokens/s per GPU against tokens/s per user (no other point is better on both); layout tpN ppN epN dpaN ×replicas, pp shown when above 1"));
        items.Add(f);
        return items.ToArray();
    }

    static string[] Row(string rank, ServingPoint e)
    {
        var est = e.Estimate;
        return [rank, Layout(e), ModeAndSplit(e), e.Batch.ToString(CultureInfo.InvariantCulture),
            Ms(est.Ttft.Value), Ms(est.Tpot.Value), Format.N(e.TokensPerSecondPerUser, "0.#"), Format.N(e.TokensPerSecondPerGpu, "0"),
            est.UsdPerMillionOutputTokens > 0 ? Format.N(est.UsdPerMillionOutputTokens, "0.###") : "-", Format.N(est.MemoryGiBPerGpu, "0.0"), est.DecodeBound.Label()];
    }

    static string Layout(ServingPoint e) => e.Layout.Describe();

    static string ModeAndSplit(ServingPoint e) => e.Estimate.Disaggregated is { } d ? $"disagg {d.PrefillGpus}:{d.DecodeGpus}" : "agg";
    static string Ms(double seconds) => Format.N(seconds * 1e3, "0.#");
    static string Mode(ServingMode m) => m == ServingMode.Disaggregated ? "disaggregated" : "aggregated";

    static string Objective(Domain.Workloads.Objective o) => o switch
    {
        Domain.Workloads.Objective.CostPerToken or Domain.Workloads.Objective.Cost => "cost_per_token",
        Domain.Workloads.Objective.Latency => "latency",
        _ => "throughput",
    };

    public static JsonObject Json(InferencePlan p, JsonObject best)
    {
        var ranked = new JsonArray();
        foreach (var e in p.Ranked)
        {
            var o = PointJson(e);
            o["ttft_s"] = JsonOut.Num(e.Estimate.Ttft.Value);
            o["tpot_s"] = JsonOut.Num(e.Estimate.Tpot.Value);
            o["usd_per_million_output_tokens"] = JsonOut.Num(e.Estimate.UsdPerMillionOutputTokens);
            o["memory_gib_per_gpu"] = JsonOut.Num(e.Estimate.MemoryGiBPerGpu);
            o["bound"] = new JsonObject { ["prefill"] = e.Estimate.PrefillBound.Label(), ["decode"] = e.Estimate.DecodeBound.Label() };
            if (e.Estimate.Disaggregated is { } d) o["prefill_decode_gpus"] = new JsonArray(d.PrefillGpus, d.DecodeGpus);
            ranked.Add(o);
        }
        var pareto = new JsonArray();
        foreach (var e in p.Pareto) pareto.Add(PointJson(e));
        var doc = new JsonObject
        {
            ["workload"] = "inference",
            ["objective"] = Objective(p.Objective),
            ["configs_enumerated"] = p.Enumerated,
            ["pruned_by_memory"] = p.PrunedByMemory,
            ["points_evaluated"] = p.PointsEvaluated,
            ["points_feasible"] = p.PointsFeasible,
            ["search_seconds"] = JsonOut.Num(p.SearchSeconds),
            ["why"] = new JsonArray(p.Why.Select(w => (JsonNode)JsonValue.Create(w.Message)!).ToArray()),
            ["ranked"] = ranked,
            ["pareto"] = pareto,
        };
        if (p.Sizing is { } z)
            doc["sizing"] = new JsonObject
            {
                ["target_output_tokens_per_s"] = JsonOut.Num(z.TargetOutputTokensPerSecond), ["gpus"] = z.Gpus, ["units"] = z.Units,
                ["gpus_per_unit"] = z.GpusPerUnit, ["concurrent_streams"] = z.ConcurrentStreams,
            };
        doc["best"] = best;
        return doc;
    }

    static JsonObject PointJson(ServingPoint e) => new()
    {
        ["tokens_per_s_per_user"] = JsonOut.Num(e.TokensPerSecondPerUser),
        ["output_tokens_per_s_per_gpu"] = JsonOut.Num(e.TokensPerSecondPerGpu),
        ["layout"] = InferenceReport.LayoutJson(e.Layout),
        ["mode"] = Mode(e.Mode),
        ["batch"] = e.Batch,
    };
}
