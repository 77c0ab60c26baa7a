using System.Globalization;
using Augur.Domain.Workloads;

namespace Augur.Domain.Frameworks;

/// <summary>How a framework takes its settings: command-line flags, a TOML file, key=value overrides or a YAML file.</summary>
public enum FrameworkForm { Arguments, Toml, KeyValue, Yaml }

/// <summary>The value format of one documented argument.</summary>
public enum ValueKind
{
    /// <summary>A switch: present or absent, no value.</summary>
    Flag,
    /// <summary>A whole number.</summary>
    Integer,
    /// <summary>A decimal number.</summary>
    Number,
    /// <summary>true or false.</summary>
    Bool,
    /// <summary>One of the listed choices.</summary>
    Choice,
    /// <summary>One or more of the listed choices.</summary>
    Choices,
    /// <summary>Free text (a model name, a JSON object).</summary>
    Text,
}

/// <summary>One argument a framework documents: its name and the format of its value.</summary>
public sealed record ArgumentSpec(string Name, ValueKind Kind, IReadOnlyList<string> Choices)
{
    /// <summary>Why <paramref name="values"/> is not a value of this argument, or null when it is.</summary>
    public string? Check(IReadOnlyList<string> values)
    {
        string Bad(string what) => $"{Name} takes {what}, got '{string.Join(' ', values)}'";
        switch (Kind)
        {
            case ValueKind.Flag: return values.Count == 0 ? null : Bad("no value");
            case ValueKind.Choices:
                return values.Count > 0 && values.All(Choices.Contains) ? null : Bad($"one or more of {string.Join(", ", Choices)}");
        }
        if (values.Count != 1) return Bad("one value");
        string v = values[0];
        return Kind switch
        {
            ValueKind.Integer => long.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _) ? null : Bad("a whole number"),
            ValueKind.Number => double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out _) ? null : Bad("a number"),
            ValueKind.Bool => v is "true" or "false" ? null : Bad("true or false"),
            ValueKind.Choice => Choices.Contains(v) ? null : Bad($"one of {string.Join(", ", Choices)}"),
            _ => v.Length > 0 ? null : Bad("text"),
        };
    }
}

/// <summary>
/// A training or serving framework's documented arguments, kept as catalog data with where they were read
/// (repository, commit or release, and the files that define them), so exports are checked against the real list.
/// </summary>
public sealed record FrameworkSpec
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required WorkloadKind Workload { get; init; }
    public required FrameworkForm Form { get; init; }
    /// <summary>The program that takes the settings (e.g. <c>vllm serve</c>), shown before them.</summary>
    public required string Command { get; init; }
    /// <summary>Repository and commit (or release) the argument list was read from.</summary>
    public required string Source { get; init; }
    /// <summary>Files (or documentation pages) that define the arguments.</summary>
    public required IReadOnlyList<string> Paths { get; init; }
    public required IReadOnlyDictionary<string, ArgumentSpec> Arguments { get; init; }
    /// <summary>The serving engines this framework ships, with their scheduler defaults (none for training frameworks).</summary>
    public IReadOnlyList<ServingEngineSpec> Engines { get; init; } = [];

    /// <summary>The argument of <paramref name="name"/>, or null when the framework does not document it.</summary>
    public ArgumentSpec? Argument(string name) => Arguments.TryGetValue(name, out var a) ? a : null;
}
