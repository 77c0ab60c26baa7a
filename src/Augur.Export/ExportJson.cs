using System.Globalization;
using System.Text.Json.Nodes;
using Augur.Domain.Frameworks;

namespace Augur.Export;

/// <summary>The stable JSON document of <c>export --json</c> (docs/JSON.md): each launch's settings typed as the framework documents them.</summary>
public static class ExportJson
{
    public static JsonObject Of(FrameworkExport e)
    {
        var f = e.Framework;
        var launches = new JsonArray();
        foreach (var l in e.Launches)
        {
            var settings = new JsonObject();
            foreach (var s in l.Settings) settings[s.Name] = Value(f.Argument(s.Name)!, s);
            launches.Add(new JsonObject
            {
                ["role"] = l.Role,
                ["instances"] = l.Instances,
                ["gpus_each"] = l.GpusEach,
                ["program"] = l.Program,
                ["section"] = l.Section,
                ["settings"] = settings,
            });
        }
        return new JsonObject
        {
            ["framework"] = f.Id,
            ["framework_name"] = f.Name,
            ["source"] = f.Source,
            ["model"] = e.Scenario.Model.Name,
            ["hardware"] = e.Scenario.Cluster.Accelerator.Id,
            ["gpus"] = e.Scenario.Cluster.Gpus,
            ["planned"] = e.Planned,
            ["layout"] = e.Layout,
            ["notes"] = new JsonArray(e.Notes.Select(n => (JsonNode)JsonValue.Create(n)!).ToArray()),
            ["launches"] = launches,
            ["text"] = ExportText.Render(e),
        };
    }

    static JsonNode Value(ArgumentSpec spec, Setting s) => spec.Kind switch
    {
        ValueKind.Flag => JsonValue.Create(true),
        ValueKind.Integer => JsonValue.Create(long.Parse(s.Values[0], CultureInfo.InvariantCulture)),
        ValueKind.Number => JsonValue.Create(double.Parse(s.Values[0], CultureInfo.InvariantCulture)),
        ValueKind.Bool => JsonValue.Create(s.Values[0] == "true"),
        ValueKind.Choices => new JsonArray(s.Values.Select(v => (JsonNode)JsonValue.Create(v)!).ToArray()),
        _ => JsonValue.Create(s.Values[0])!,
    };
}
