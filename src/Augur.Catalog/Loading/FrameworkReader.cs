using Augur.Catalog.Files;
using Augur.Domain;
using Augur.Domain.Frameworks;
using Augur.Domain.Workloads;

namespace Augur.Catalog.Loading;

/// <summary>
/// Reads catalog/frameworks files: a framework's documented arguments, each name mapped to its value format
/// (int, number, bool, flag, text, a list of choices, or <c>{many: [...]}</c> for several of them).
/// </summary>
public static class FrameworkReader
{
    public static FrameworkSpec Read(MappingNode n)
    {
        n.RequireOnly("id", "name", "workload", "form", "command", "source", "paths", "notes", "arguments");
        var args = n.Mapping("arguments");
        var arguments = new Dictionary<string, ArgumentSpec>(StringComparer.Ordinal);
        foreach (var (name, value) in args.Entries) arguments[name] = Argument(name, value);
        return new FrameworkSpec
        {
            Id = n.String("id"),
            Name = n.String("name"),
            Workload = n.String("workload") switch
            {
                "training" => WorkloadKind.Training,
                "serving" => WorkloadKind.Inference,
                var w => throw new InputException($"{n.Path}.workload: '{w}' is not training or serving"),
            },
            Form = n.String("form") switch
            {
                "arguments" => FrameworkForm.Arguments,
                "toml" => FrameworkForm.Toml,
                "key_value" => FrameworkForm.KeyValue,
                "yaml" => FrameworkForm.Yaml,
                var f => throw new InputException($"{n.Path}.form: '{f}' is not arguments, toml, key_value or yaml"),
            },
            Command = n.String("command"),
            Source = n.String("source"),
            Paths = n.Get("paths") is SequenceNode s ? s.Items.OfType<ScalarNode>().Select(x => x.Text ?? "").ToList() : [],
            Arguments = arguments,
        };
    }

    static ArgumentSpec Argument(string name, DataNode value) => value switch
    {
        ScalarNode { Text: { } t } => new ArgumentSpec(name, t switch
        {
            "int" => ValueKind.Integer,
            "number" => ValueKind.Number,
            "bool" => ValueKind.Bool,
            "flag" => ValueKind.Flag,
            "text" => ValueKind.Text,
            _ => throw new InputException($"{value.Path}: '{t}' is not a value format; use int, number, bool, flag, text or a list of choices"),
        }, []),
        SequenceNode seq => new ArgumentSpec(name, ValueKind.Choice, Names(seq)),
        MappingNode { Entries.Count: 1 } m when m.Get("many") is SequenceNode many => new ArgumentSpec(name, ValueKind.Choices, Names(many)),
        _ => throw new InputException($"{value.Path}: expected a value format (int, number, bool, flag, text), a list of choices or {{many: [...]}}"),
    };

    static List<string> Names(SequenceNode seq) => seq.Items.Select(i => i is ScalarNode { Text: { } t } ? t : throw new InputException($"{i.Path}: expected a choice")).ToList();
}
