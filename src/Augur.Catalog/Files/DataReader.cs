using System.Globalization;
using System.Text.Json;
using Augur.Domain;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Augur.Catalog.Files;

/// <summary>Reads YAML or JSON text into a <see cref="DataNode"/> tree; the only place YAML and JSON parsing happen.</summary>
public static class DataReader
{
    public static DataNode ReadFile(string path)
    {
        if (!File.Exists(path)) throw new InputException($"file '{path}' does not exist");
        string text = File.ReadAllText(path);
        return Read(text, System.IO.Path.GetFileName(path), path.EndsWith(".json", StringComparison.OrdinalIgnoreCase));
    }

    public static DataNode Read(string text, string name, bool json)
    {
        if (json) return ReadJson(text, name);
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(text));
            if (stream.Documents.Count == 0) throw new InputException($"{name}: the file is empty");
            return FromYaml(stream.Documents[0].RootNode, name);
        }
        catch (YamlException e)
        {
            throw new InputException($"{name} line {e.Start.Line}, column {e.Start.Column}: malformed YAML ({FirstLine(e.Message)})");
        }
    }

    static DataNode ReadJson(string text, string name)
    {
        try
        {
            using var doc = JsonDocument.Parse(text, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            return FromJson(doc.RootElement, name);
        }
        catch (JsonException e)
        {
            throw new InputException($"{name} line {(e.LineNumber ?? 0) + 1}: malformed JSON ({FirstLine(e.Message)})");
        }
    }

    static string FirstLine(string s) => s.Split('\n')[0].Trim();

    static DataNode FromYaml(YamlNode node, string path) => node switch
    {
        YamlMappingNode m => new MappingNode(path, m.Children.ToDictionary(
            kv => ((YamlScalarNode)kv.Key).Value ?? "",
            kv => FromYaml(kv.Value, path + "." + ((YamlScalarNode)kv.Key).Value))),
        YamlSequenceNode s => new SequenceNode(path, s.Children.Select((c, i) => FromYaml(c, $"{path}[{i}]")).ToList()),
        YamlScalarNode sc => new ScalarNode(path, sc.Style is ScalarStyle.Plain && sc.Value is "null" or "~" or "" ? null : sc.Value),
        _ => new ScalarNode(path, null),
    };

    static DataNode FromJson(JsonElement e, string path) => e.ValueKind switch
    {
        JsonValueKind.Object => new MappingNode(path, e.EnumerateObject().ToDictionary(p => p.Name, p => FromJson(p.Value, path + "." + p.Name))),
        JsonValueKind.Array => new SequenceNode(path, e.EnumerateArray().Select((c, i) => FromJson(c, $"{path}[{i}]")).ToList()),
        JsonValueKind.String => new ScalarNode(path, e.GetString()),
        JsonValueKind.Number => new ScalarNode(path, e.GetRawText()),
        JsonValueKind.True => new ScalarNode(path, "true"),
        JsonValueKind.False => new ScalarNode(path, "false"),
        _ => new ScalarNode(path, null),
    };

    public static string Format(double v) => v.ToString(CultureInfo.InvariantCulture);
}
