using System.Globalization;

namespace Augur.Export.Import;

/// <summary>Writes an imported scenario in the samples' style: one line per section, flow mappings.</summary>
static class ScenarioYaml
{
    public static string Write(string comment, IEnumerable<(string Key, string Value)> top, IEnumerable<(string Section, IEnumerable<(string Key, object? Value)> Entries)> sections)
    {
        var lines = new List<string> { "# " + comment };
        foreach (var (key, value) in top) lines.Add($"{key}: {value}");
        foreach (var (section, entries) in sections)
        {
            var parts = entries.Where(e => e.Value is not null).Select(e => $"{e.Key}: {Format(e.Value!)}").ToList();
            if (parts.Count > 0) lines.Add($"{section}: {{{string.Join(", ", parts)}}}");
        }
        return string.Join('\n', lines) + "\n";
    }

    static string Format(object v) => v switch
    {
        bool b => b ? "true" : "false",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        IFormattable n => n.ToString(null, CultureInfo.InvariantCulture),
        IEnumerable<string> list => "[" + string.Join(", ", list) + "]",
        _ => v.ToString()!,
    };

    /// <summary>A name as YAML text: bare when it is plain, double-quoted otherwise.</summary>
    public static string Name(string text) =>
        text.Length > 0 && text.All(c => char.IsLetterOrDigit(c) || c is '.' or '_' or '-' or '/') ? text : "\"" + text.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";

    /// <summary>The not-read list for the comment line.</summary>
    public static string NotRead(IReadOnlyList<string> ignored) => ignored.Count == 0 ? "every argument read" : "not read: " + string.Join(", ", ignored.Distinct());
}
