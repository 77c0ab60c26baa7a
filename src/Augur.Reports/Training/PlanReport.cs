using System.Globalization;
using System.Text.Json.Nodes;
using Augur.CostModels;
using Augur.Reports.Console;
using Augur.Reports.Json;
using Augur.Search.Training;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Augur.Reports.Training;

/// <summary>Tables and JSON for a training layout search.</summary>
public static class PlanReport
{
    public static IRenderable[] Tables(PlanResult p)
    {
        var t = Render.Table("#", "layout", "step", "tok/s/GPU", "MFU", "GiB/GPU", "bottleneck");
        int i = 1;
        foreach (var e in p.Ranked)
            t.AddRow((i++).ToString(CultureInfo.InvariantCulture), e.Layout.ToString(), Format.Seconds(e.StepTime.Value),
                Format.N(e.TokensPerSecondPerGpu, "0"), Format.Pct(e.Mfu), Format.N(e.Memory.Total.GiB, "0.0"), e.Bottleneck.Label());
        var summary = FormattableString.Invariant($"searched {p.Enumerated:N0} valid layouts in {p.SearchSeconds:0.###} s: {p.PrunedByMemory:N0} discarded for memory before costing, {p.ConfigsEvaluated:N0} costed")
            + (p.SkippedRecompute > 0 ? FormattableString.Invariant($"; {p.SkippedRecompute:N0} recompute variants skipped that cannot win (more than a variant that fits, or modules where full recomputation does not fit)") : "");
        var items = new List<IRenderable> { Render.Line(summary), t };
        foreach (var w in p.Why) items.Add(Render.Line(w.Message));
        if (p.Ranked.Count == 0) items.Add(Render.Line("no layout fits in memory: add GPUs, use a larger-memory accelerator, or allow recompute/ZeRO"));
        return items.ToArray();
    }

    public static JsonObject Json(PlanResult p, JsonObject? best)
    {
        var ranked = new JsonArray();
        foreach (var e in p.Ranked)
            ranked.Add(new JsonObject
            {
                ["layout"] = TrainingReport.LayoutJson(e),
                ["step_time_s"] = JsonOut.Num(e.StepTime.Value),
                ["tokens_per_s_per_gpu"] = JsonOut.Num(e.TokensPerSecondPerGpu),
                ["mfu"] = JsonOut.Num(e.Mfu),
                ["memory_gib_per_gpu"] = JsonOut.Num(e.Memory.Total.GiB),
                ["bottleneck"] = e.Bottleneck.Label(),
            });
        var o = new JsonObject
        {
            ["configs_evaluated"] = p.ConfigsEvaluated,
            ["configs_enumerated"] = p.Enumerated,
            ["pruned_by_memory"] = p.PrunedByMemory,
            ["skipped_recompute"] = p.SkippedRecompute,
            ["search_seconds"] = JsonOut.Num(p.SearchSeconds),
            ["why"] = new JsonArray(p.Why.Select(w => (JsonNode)JsonValue.Create(w.Message)!).ToArray()),
            ["ranked"] = ranked,
        };
        if (best is not null) o["best"] = best;
        return o;
    }
}
