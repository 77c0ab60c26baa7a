using System.Text;
using Augur.Domain.Frameworks;

namespace Augur.Export;

/// <summary>
/// Writes an export as the framework takes it: a shell command with flags or key=value overrides, a TOML job file,
/// or a YAML options file. Comment lines (#) carry where the settings come from and the notes.
/// </summary>
public static class ExportText
{
    public static string Render(FrameworkExport e)
    {
        var f = e.Framework;
        var sb = new StringBuilder();
        var s = e.Scenario;
        string how = e.Planned ? "plan's winner" : "the scenario's layout";
        Line(sb, $"# {f.Name} settings for {s.Model.Name} on {s.Cluster.Gpus} {s.Cluster.Accelerator.Id}: {how}, {e.Layout}");
        Line(sb, $"# written by augur export; flags checked against catalog/frameworks/{f.Id}.yaml ({f.Source})");
        foreach (var note in e.Notes) Line(sb, $"# {note}");
        bool several = e.Launches.Count > 1;
        foreach (var launch in e.Launches)
        {
            if (several || launch.Instances > 1)
                Line(sb, FormattableString.Invariant($"# {launch.Role}: {launch.Instances} x {launch.GpusEach} GPUs"));
            switch (f.Form)
            {
                case FrameworkForm.Arguments: Command(sb, launch, flagged: true); break;
                case FrameworkForm.KeyValue: Command(sb, launch, flagged: false); break;
                case FrameworkForm.Toml: Toml(sb, f, launch); break;
                case FrameworkForm.Yaml: Yaml(sb, f, launch); break;
            }
        }
        return sb.ToString();
    }

    static void Line(StringBuilder sb, string text) => sb.Append(text).Append('\n');

    /// <summary>One argument per line, continued with backslashes, so the block pastes into a shell.</summary>
    static void Command(StringBuilder sb, Launch launch, bool flagged)
    {
        var parts = new List<string> { launch.Program };
        foreach (var setting in launch.Settings)
            parts.Add(flagged
                ? string.Join(' ', new[] { setting.Name }.Concat(setting.Values.Select(Quote)))
                : $"{setting.Name}={Quote(string.Join(',', setting.Values))}");
        for (int i = 0; i < parts.Count; i++)
            Line(sb, (i == 0 ? "" : "  ") + parts[i] + (i < parts.Count - 1 ? " \\" : ""));
    }

    /// <summary>Single-quotes a value the shell would otherwise split or expand.</summary>
    public static string Quote(string v) =>
        v.Length > 0 && v.All(c => char.IsLetterOrDigit(c) || c is '.' or '_' or '-' or '/' or ':' or ',' or '+' or '=') ? v : "'" + v.Replace("'", "'\\''") + "'";

    /// <summary>TOML tables in the order their first key appears: [parallelism], [training], ...</summary>
    static void Toml(StringBuilder sb, FrameworkSpec f, Launch launch)
    {
        foreach (var table in launch.Settings.GroupBy(s => s.Name[..s.Name.LastIndexOf('.')]))
        {
            Line(sb, $"[{table.Key}]");
            foreach (var s in table) Line(sb, $"{s.Name[(table.Key.Length + 1)..]} = {Value(f, s, toml: true)}");
        }
    }

    /// <summary>YAML with dotted names nested (kv_cache_config.dtype), under the launch's section when it has one.</summary>
    static void Yaml(StringBuilder sb, FrameworkSpec f, Launch launch)
    {
        string indent = "";
        if (launch.Section is { } section)
        {
            Line(sb, $"{section}:");
            indent = "  ";
        }
        string? open = null;
        foreach (var s in launch.Settings)
        {
            int dot = s.Name.IndexOf('.');
            if (dot < 0)
            {
                open = null;
                Line(sb, $"{indent}{s.Name}: {Value(f, s, toml: false)}");
                continue;
            }
            string parent = s.Name[..dot];
            if (parent != open) Line(sb, $"{indent}{parent}:");
            open = parent;
            Line(sb, $"{indent}  {s.Name[(dot + 1)..]}: {Value(f, s, toml: false)}");
        }
    }

    /// <summary>A value in a file: numbers and booleans bare, text quoted in TOML, lists as arrays.</summary>
    static string Value(FrameworkSpec f, Setting s, bool toml)
    {
        var kind = f.Argument(s.Name)!.Kind;
        string Text(string v) => toml ? "\"" + v.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"" : v;
        return kind switch
        {
            ValueKind.Integer or ValueKind.Number or ValueKind.Bool => s.Values[0],
            ValueKind.Choices => "[" + string.Join(", ", s.Values.Select(v => toml ? Text(v) : v)) + "]",
            ValueKind.Flag => "true",
            _ => Text(s.Values[0]),
        };
    }
}
