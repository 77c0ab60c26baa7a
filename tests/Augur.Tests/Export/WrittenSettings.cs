using Augur.Domain.Frameworks;

namespace Augur.Tests.Export;

/// <summary>
/// Reads the settings back out of an exported text in each framework's own syntax, independently of the exporter,
/// and lists every setting the framework's documented argument list (catalog/frameworks) does not allow.
/// </summary>
static class WrittenSettings
{
    /// <summary>Section keys of a TensorRT-LLM disaggregated config that hold a role's settings.</summary>
    static readonly string[] RoleSections = ["context_servers", "generation_servers"];

    public static List<(string Name, List<string> Values)> Read(FrameworkSpec f, string text)
    {
        var lines = text.Split('\n').Where(l => l.Trim().Length > 0 && !l.TrimStart().StartsWith('#')).ToList();
        return f.Form switch
        {
            FrameworkForm.Arguments => Arguments(lines),
            FrameworkForm.KeyValue => KeyValues(lines),
            FrameworkForm.Toml => Toml(lines),
            _ => Yaml(lines),
        };
    }

    /// <summary>Each problem: an undocumented name, or a value outside the documented format.</summary>
    public static List<string> Problems(FrameworkSpec f, IEnumerable<(string Name, List<string> Values)> settings)
    {
        var problems = new List<string>();
        foreach (var (name, values) in settings)
        {
            if (f.Argument(name) is not { } spec) problems.Add($"{name} is not in catalog/frameworks/{f.Id}.yaml");
            else if (spec.Check(values) is { } bad) problems.Add(bad);
        }
        return problems;
    }

    static List<string> Words(List<string> lines) =>
        lines.SelectMany(l => Shell(l.TrimEnd().TrimEnd('\\'))).ToList();

    /// <summary>Splits one shell line on blanks, honouring single quotes.</summary>
    static IEnumerable<string> Shell(string line)
    {
        var word = new System.Text.StringBuilder();
        bool quoted = false, any = false;
        foreach (char c in line)
        {
            if (c == '\'') { quoted = !quoted; any = true; }
            else if (c == ' ' && !quoted) { if (any) yield return word.ToString(); word.Clear(); any = false; }
            else { word.Append(c); any = true; }
        }
        if (any) yield return word.ToString();
    }

    /// <summary>A line that starts in the first column starts a command: its program words belong to no flag.</summary>
    static List<(string, List<string>)> Arguments(List<string> lines)
    {
        var result = new List<(string, List<string>)>();
        foreach (var line in lines)
        {
            bool command = !char.IsWhiteSpace(line[0]);
            foreach (var w in Shell(line.TrimEnd().TrimEnd('\\')))
            {
                if (w.StartsWith("--", StringComparison.Ordinal)) { result.Add((w, [])); command = false; }
                else if (!command && result.Count > 0) result[^1].Item2.Add(w);
            }
        }
        return result;
    }

    static List<(string, List<string>)> KeyValues(List<string> lines) =>
        Words(lines).Where(w => w.Contains('=')).Select(w => (w[..w.IndexOf('=')], new List<string> { w[(w.IndexOf('=') + 1)..] })).ToList();

    static List<string> Value(string v)
    {
        v = v.Trim();
        if (v.StartsWith('[')) return v.Trim('[', ']').Split(',').Select(x => x.Trim().Trim('"')).Where(x => x.Length > 0).ToList();
        return [v.Trim('"')];
    }

    static List<(string, List<string>)> Toml(List<string> lines)
    {
        var result = new List<(string, List<string>)>();
        string table = "";
        foreach (var l in lines)
        {
            if (l.StartsWith('[')) { table = l.Trim('[', ']'); continue; }
            int eq = l.IndexOf('=');
            result.Add(($"{table}.{l[..eq].Trim()}", Value(l[(eq + 1)..])));
        }
        return result;
    }

    static List<(string, List<string>)> Yaml(List<string> lines)
    {
        var result = new List<(string, List<string>)>();
        var parents = new Dictionary<int, string>();
        foreach (var l in lines)
        {
            int indent = l.Length - l.TrimStart().Length;
            string body = l.Trim();
            int colon = body.IndexOf(':');
            string key = body[..colon], rest = body[(colon + 1)..].Trim();
            if (rest.Length == 0) { parents[indent] = key; continue; }
            var path = parents.Where(p => p.Key < indent).OrderBy(p => p.Key).Select(p => p.Value).Where(p => !RoleSections.Contains(p)).Append(key);
            result.Add((string.Join('.', path), Value(rest)));
            foreach (var deeper in parents.Keys.Where(k => k >= indent).ToList()) parents.Remove(deeper);
        }
        return result;
    }
}
