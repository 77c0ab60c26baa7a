using System.Globalization;
using Augur.Domain.Frameworks;

namespace Augur.Export;

/// <summary>
/// Collects a launch's settings for one framework. A name the framework does not document, or a value outside its
/// documented format, is a mistake in Augur's mapping, so it fails at once rather than reaching a launch script.
/// </summary>
sealed class Settings(FrameworkSpec framework)
{
    readonly List<Setting> _items = [];

    public IReadOnlyList<Setting> Items => _items;

    public Settings Flag(string name) => Add(name, []);

    public Settings Int(string name, long value) => Add(name, [value.ToString(CultureInfo.InvariantCulture)]);

    public Settings Number(string name, double value) => Add(name, [ExportFormat.Number(value)]);

    public Settings Bool(string name, bool value) => Add(name, [value ? "true" : "false"]);

    public Settings Text(string name, string value) => Add(name, [value]);

    public Settings List(string name, IEnumerable<string> values) => Add(name, values.ToList());

    Settings Add(string name, IReadOnlyList<string> values)
    {
        var spec = framework.Argument(name) ?? throw new InvalidOperationException($"{framework.Id} documents no argument '{name}' (catalog/frameworks/{framework.Id}.yaml)");
        if (spec.Check(values) is { } bad) throw new InvalidOperationException($"{framework.Id}: {bad}");
        _items.Add(new Setting(name, values));
        return this;
    }
}

/// <summary>Number text in exports: invariant, shortest round-trip form, at most 4 decimals.</summary>
static class ExportFormat
{
    public static string Number(double v) => Math.Round(v, 4).ToString("0.####", CultureInfo.InvariantCulture);
}
