namespace Augur.Domain;

/// <summary>
/// The names a [Flags] enum's members go by in scenario files and output, in a fixed order: the one table that both
/// reading a name and writing a value's names use (recompute modules, CUDA-graph scopes, LoRA targets).
/// </summary>
public sealed class FlagNames<T> where T : struct, Enum
{
    readonly (T Flag, string Name)[] _table;

    public FlagNames(params (T Flag, string Name)[] table) => _table = table;

    /// <summary>Every name, in table order.</summary>
    public IEnumerable<string> Names => _table.Select(x => x.Name);

    /// <summary>The flag a name stands for, or null when it names none.</summary>
    public T? Flag(string name) => _table.FirstOrDefault(x => x.Name == name) is { Name: not null } hit ? hit.Flag : null;

    /// <summary>The names of the flags set in <paramref name="value"/>, in table order.</summary>
    public IEnumerable<string> Of(T value) => _table.Where(x => value.HasFlag(x.Flag)).Select(x => x.Name);
}
