using System.Text.Json.Nodes;
using Augur.Catalog.Loading;
using Augur.Domain;
using Augur.Domain.Workloads;
using Augur.Plots;
using Augur.Reports;
using Augur.Reports.Console;
using Augur.Workflows;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Augur.Web;

/// <summary>One command's answer: its stable JSON document (the CLI's --json), its tables and its pictures, each made when asked.</summary>
sealed record Answer(Func<JsonNode> Json, Func<IRenderable[]> Tables, Func<IReadOnlyList<(string Name, Chart Chart)>> Charts)
{
    /// <summary>What the page shows: the JSON document, the tables (header row first) and lines in order, and the pictures --plot draws, as SVG.</summary>
    public JsonObject View() => new()
    {
        ["json"] = Json(),
        ["items"] = new JsonArray(Tables().Select(Item).ToArray()),
        ["charts"] = new JsonArray(Charts().Select(c => (JsonNode)new JsonObject { ["name"] = c.Name, ["svg"] = c.Chart.Svg() }).ToArray()),
    };

    static JsonNode Item(IRenderable r) => r is Table t
        ? new JsonObject { ["table"] = new JsonArray(TableCapture.Cells(t).Select(row => (JsonNode)new JsonArray(row.Select(c => (JsonNode)c).ToArray())).ToArray()) }
        : new JsonObject { ["text"] = TableCapture.Text(r) };
}

/// <summary>The commands the web app answers, each read from scenario text that may name no file.</summary>
static class Answers
{
    public static Answer Estimate(CatalogStore catalog, string scenario, IProgress<long> progress)
    {
        var o = EstimateWorkflow.Run(ScenarioLoader.FromTextAlone(catalog, scenario), catalog, progress: progress);
        return new(() => OutcomeReport.Json(o, catalog), () => OutcomeReport.Tables(o, catalog), () => OutcomeCharts.Of(o));
    }

    /// <param name="drawn">Whether the chart is wanted: then a training plan searches for enough layouts to draw.</param>
    public static Answer Plan(CatalogStore catalog, string scenario, int top, bool drawn, IProgress<long> progress)
    {
        if (top < 1 || top > OutcomeReport.MaxTop) throw new InputException($"top must be 1 to {OutcomeReport.MaxTop}, got {top}");
        var s = ScenarioLoader.FromTextAlone(catalog, scenario);
        int searched = drawn && s.Workload == WorkloadKind.Training ? Math.Max(top, OutcomeCharts.PlanLayouts) : top;
        var o = PlanWorkflow.Run(s, catalog, searched, progress);
        var shown = OutcomeReport.Top(o, top);
        return new(() => OutcomeReport.Json(shown, catalog), () => OutcomeReport.Tables(shown, catalog), () => OutcomeCharts.Of(o));
    }

    public static Answer Simulate(CatalogStore catalog, string scenario, IProgress<long> progress)
    {
        var o = SimulateWorkflow.Run(ScenarioLoader.FromTextAlone(catalog, scenario), catalog, progress);
        return new(() => OutcomeReport.Json(o, catalog), () => OutcomeReport.Tables(o, catalog), () => OutcomeCharts.Of(o));
    }
}
