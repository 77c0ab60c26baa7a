using System.Collections.Concurrent;
using System.Reflection;
using Augur.Catalog.Files;
using Augur.Domain;
using Augur.Domain.Hardware;

namespace Augur.Catalog.Loading;

/// <summary>
/// The embedded catalog/measurements folders, each read on first use: a training estimate needs one set's tables, and
/// reading every set's CSVs would cost a start-up a tenth of a second.
/// </summary>
sealed class MeasurementFolders
{
    readonly Assembly _assembly;
    readonly Dictionary<string, List<string>> _files = new(StringComparer.Ordinal);
    readonly ConcurrentDictionary<string, Lazy<KernelMeasurementSet>> _read = new(StringComparer.Ordinal);
    readonly Lazy<List<KernelMeasurementSet>> _all;

    public MeasurementFolders(Assembly assembly, IEnumerable<string> resources)
    {
        _assembly = assembly;
        foreach (var resource in resources)
        {
            var parts = resource["catalog/".Length..].Split('/');
            if (parts.Length != 3) throw new InputException($"{resource}: measurement files live in measurements/<set>/");
            if (!_files.TryGetValue(parts[1], out var list)) _files[parts[1]] = list = [];
            list.Add(resource);
        }
        _all = new(() => _files.Keys.Order(StringComparer.Ordinal).Select(f => Get(f)!).ToList());
    }

    public IReadOnlyList<KernelMeasurementSet> All => _all.Value;

    public KernelMeasurementSet? Get(string folder) =>
        _files.ContainsKey(folder) ? _read.GetOrAdd(folder, f => new Lazy<KernelMeasurementSet>(() => Read(f))).Value : null;

    KernelMeasurementSet Read(string folder)
    {
        MappingNode? source = null;
        var tables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var resource in _files[folder])
        {
            string name = resource["catalog/".Length..], file = name.Split('/')[2];
            string text = CatalogStore.Text(_assembly, resource);
            if (file == "source.yaml")
                source = DataReader.Read(text, name, json: false) as MappingNode
                         ?? throw new InputException($"catalog/{name}: expected a mapping (id, accelerator, device, measured_on, software, source, method)");
            else tables[file] = text;
        }
        if (source is null) throw new InputException($"catalog/measurements/{folder}: tables without a source.yaml saying where they come from");
        var set = MeasurementReader.Read(folder, source, tables);
        if (set.Id != folder) throw new InputException($"catalog/measurements/{folder}/source.yaml: id '{set.Id}' is not the folder name '{folder}'");
        return set;
    }
}
