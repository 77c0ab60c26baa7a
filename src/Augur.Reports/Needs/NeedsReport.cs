using System.Text.Json.Nodes;
using Augur.Domain.Workloads;
using Augur.Reports.Console;
using Augur.Reports.Json;
using Augur.Workflows;
using Augur.Workflows.Needs;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Augur.Reports.Needs;

/// <summary>Tables and JSON for inverse questions (<c>needs</c>) and sensitivity tables.</summary>
public static class NeedsReport
{
    public static IRenderable[] Tables(NeedsOutcome o)
    {
        string name = Resources.Name(o.Resource), unit = Resources.Unit(o.Resource);
        string goal = string.Join(" and ", o.Targets.Select(t => t.Describe()));
        var t = Render.Table(name, "meets", "best layout there", "headline");
        foreach (var p in o.Probes) t.AddRow(Amount(o.Resource, p.Value), p.Met ? "yes" : "no", Layout(p.Plan), p.Plan is null ? Trim(p.Refusal) : Headline(p.Plan));
        string answer = o.Least is { } v
            ? $"least {name} to {goal}: {Amount(o.Resource, v)} ({unit}); the scenario has {Amount(o.Resource, o.Current)}."
            : $"no {name} from {Amount(o.Resource, o.Searched.Low)} to {Amount(o.Resource, o.Searched.High)} ({unit}) can {goal}, the rest of the hardware held fixed: another resource binds (see 'augur needs FILE --sensitivity').";
        if (o.Least is { } l && l == o.Searched.Low) answer += " (the least searched; less may do)";
        return [Render.Line(answer), t];
    }

    public static JsonObject Json(NeedsOutcome o) => new()
    {
        ["resource"] = Resources.Name(o.Resource),
        ["unit"] = Resources.Unit(o.Resource),
        ["targets"] = new JsonArray(o.Targets.Select(t => (JsonNode)new JsonObject { ["key"] = t.Key, ["value"] = JsonOut.Num(t.Value) }).ToArray()),
        ["current"] = JsonOut.Num(o.Current),
        ["least"] = o.Least is { } v ? JsonOut.Num(v) : null,
        ["searched"] = new JsonObject { ["low"] = JsonOut.Num(o.Searched.Low), ["high"] = JsonOut.Num(o.Searched.High) },
        ["probes"] = new JsonArray(o.Probes.Select(p => (JsonNode)new JsonObject
        {
            ["value"] = JsonOut.Num(p.Value), ["meets"] = p.Met, ["layout"] = Layout(p.Plan), ["headline"] = p.Plan is null ? null : Headline(p.Plan),
            ["refusal"] = p.Plan is null ? p.Refusal : null,
        }).ToArray()),
    };

    public static IRenderable[] Tables(SensitivityOutcome o)
    {
        bool training = o.Workload == WorkloadKind.Training;
        var t = Render.Table("resource", "now", "+10%", training ? "best step" : "best tok/s/GPU", "gain");
        foreach (var r in o.Rows)
            t.AddRow(Resources.Name(r.Resource), Amount(r.Resource, r.Base), Amount(r.Resource, r.Raised),
                r.Objective is { } v ? (training ? Format.Seconds(v) : Format.N(v, "0")) : "no plan",
                r.Gain is { } g ? Format.SignedPct(g) : Trim(r.Refusal));
        string head = training
            ? $"step time {Format.Seconds(o.Objective)} with the scenario's hardware; each row raises one resource by 10% and searches the layout again:"
            : $"{Format.N(o.Objective, "0")} output tokens/s per GPU with the scenario's hardware; each row raises one resource by 10% and searches the layout again:";
        var items = new List<IRenderable> { Render.Line(head), t };
        if (o.Rows.FirstOrDefault() is { Gain: > 0.001 } top)
            items.Add(Render.Line($"{Resources.Name(top.Resource)} binds most: +10% of it gains {Format.SignedPct(top.Gain!.Value)}."));
        return items.ToArray();
    }

    public static JsonObject Json(SensitivityOutcome o) => new()
    {
        ["objective"] = o.Workload == WorkloadKind.Training ? "step_time_s" : "output_tokens_per_s_per_gpu",
        ["value"] = JsonOut.Num(o.Objective),
        ["rows"] = new JsonArray(o.Rows.Select(r => (JsonNode)new JsonObject
        {
            ["resource"] = Resources.Name(r.Resource), ["now"] = JsonOut.Num(r.Base), ["raised"] = JsonOut.Num(r.Raised),
            ["objective"] = r.Objective is { } v ? JsonOut.Num(v) : null, ["gain"] = r.Gain is { } g ? JsonOut.Num(g) : null,
        }).ToArray()),
    };

    static string Amount(Resource r, double v) => Resources.Whole(r) ? Format.N(v, "0") : Format.N(v, "0.##");

    static string Layout(PlanOutcome? p) => p switch
    {
        TrainingPlanOutcome { Best: { } b } => b.Layout.ToString(),
        InferencePlanOutcome i => $"tp{i.Plan.Best.Layout.Tp} pp{i.Plan.Best.Layout.Pp} ep{i.Plan.Best.Layout.Ep} dpa{i.Plan.Best.Layout.DpAttention} batch{i.Plan.Best.Batch}",
        _ => "",
    };

    static string Headline(PlanOutcome p) => p switch
    {
        TrainingPlanOutcome { Best: { } b, Run: { } run } => $"{Format.Seconds(b.StepTime.Value)}/step, {Format.N(run.WallTime.Days, "0.#")} days",
        TrainingPlanOutcome { Best: { } b } => $"{Format.Seconds(b.StepTime.Value)}/step",
        InferencePlanOutcome i => $"{Format.N(i.Plan.Best.TokensPerSecondPerGpu, "0")} tok/s/GPU at {Format.N(i.Plan.Best.TokensPerSecondPerUser, "0.#")} tok/s/user, ${Format.N(i.Plan.Best.Estimate.UsdPerMillionOutputTokens, "0.###")}/M",
        _ => "no layout fits",
    };

    static string Trim(string message) => message.Length <= 44 ? message : message[..41] + "...";
}
