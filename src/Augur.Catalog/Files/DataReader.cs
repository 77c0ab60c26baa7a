using System.Globalization;
using System.Text;
using System.Text.Json;
using Augur.Domain;
using YamlDotNet.Core;

namespace Augur.Catalog.Files;

/// <summary>Reads YAML or JSON text into a <see cref="DataNode"/> tree; the only place YAML and JSON parsing happen.</summary>
public static class DataReader
{
    public static DataNode ReadFile(string path)
    {
        string text = ReadText(path, InputLimits.MaxFileBytes);
        return Read(text, System.IO.Path.GetFileName(path), path.EndsWith(".json", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// A file's text, refusing directories, missing files and anything longer than <paramref name="maxBytes"/>
    /// (a device such as /dev/zero never ends, so the read stops at the limit).
    /// </summary>
    public static string ReadText(string path, long maxBytes)
    {
        using var stream = OpenRead(path);
        var bytes = new MemoryStream();
        var buffer = new byte[81920];
        int n;
        while ((n = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            bytes.Write(buffer, 0, n);
            if (bytes.Length > maxBytes)
                throw new InputException($"{path}: larger than {maxBytes >> 20} MiB (or not a regular file); give a smaller file");
        }
        bytes.Position = 0;
        using var reader = new StreamReader(bytes, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return reader.ReadToEnd();
    }

    /// <summary>Opens a file for reading, with one-line messages for a directory or a missing file.</summary>
    public static FileStream OpenRead(string path)
    {
        if (Directory.Exists(path)) throw new InputException($"'{path}' is a directory; give a file in it");
        if (!File.Exists(path)) throw new InputException($"file '{path}' does not exist");
        return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
    }

    public static DataNode Read(string text, string name, bool json)
    {
        if (json) return ReadJson(text, name);
        try
        {
            return new YamlTreeReader(name).Read(text);
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
            var options = new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, MaxDepth = InputLimits.MaxNestingDepth };
            using var doc = JsonDocument.Parse(text, options);
            return FromJson(doc.RootElement, name);
        }
        catch (JsonException e)
        {
            throw new InputException($"{name} line {(e.LineNumber ?? 0) + 1}: malformed JSON ({FirstLine(e.Message)})");
        }
    }

    static string FirstLine(string s) => s.Split('\n')[0].Trim();

    static DataNode FromJson(JsonElement e, string path) => e.ValueKind switch
    {
        JsonValueKind.Object => new MappingNode(path, JsonEntries(e, path)),
        JsonValueKind.Array => new SequenceNode(path, e.EnumerateArray().Select((c, i) => FromJson(c, $"{path}[{i}]")).ToList()),
        JsonValueKind.String => new ScalarNode(path, e.GetString()),
        JsonValueKind.Number => new ScalarNode(path, e.GetRawText()),
        JsonValueKind.True => new ScalarNode(path, "true"),
        JsonValueKind.False => new ScalarNode(path, "false"),
        _ => new ScalarNode(path, null),
    };

    static Dictionary<string, DataNode> JsonEntries(JsonElement e, string path)
    {
        var entries = new Dictionary<string, DataNode>();
        foreach (var p in e.EnumerateObject())
            if (!entries.TryAdd(p.Name, FromJson(p.Value, path + "." + p.Name)))
                throw new InputException(DuplicateKey(path, p.Name));
        return entries;
    }

    public static string DuplicateKey(string path, string key) => $"{path}: key '{key}' appears twice; keep one";

    public static string Format(double v) => v.ToString(CultureInfo.InvariantCulture);
}
