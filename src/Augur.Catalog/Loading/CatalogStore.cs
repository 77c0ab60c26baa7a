using System.Reflection;
using Augur.Catalog.Files;
using Augur.Domain;
using Augur.Domain.Frameworks;
using Augur.Domain.Hardware;
using Augur.Units;

namespace Augur.Catalog.Loading;

/// <summary>
/// The shipped catalog (accelerators, systems, models, calibration families, validation cases), read from the
/// YAML files embedded in this assembly. Lookups fail with the nearest name as a suggestion.
/// </summary>
public sealed class CatalogStore
{
    readonly Dictionary<string, Accelerator> _accelerators = new(StringComparer.OrdinalIgnoreCase);
    readonly Dictionary<string, MappingNode> _acceleratorFiles = new(StringComparer.OrdinalIgnoreCase);
    readonly Dictionary<string, SystemSpec> _systems = new(StringComparer.OrdinalIgnoreCase);
    readonly Dictionary<string, ModelEntry> _models = new(StringComparer.OrdinalIgnoreCase);
    readonly Dictionary<string, HardwareCalibration> _calibrations = new(StringComparer.OrdinalIgnoreCase);
    readonly Dictionary<string, FrameworkSpec> _frameworks = new(StringComparer.OrdinalIgnoreCase);
    readonly Dictionary<string, double> _prices = new(StringComparer.OrdinalIgnoreCase);
    readonly List<(string Name, DataNode Node)> _validation = [];
    readonly Dictionary<string, MappingNode> _measurementSources = new(StringComparer.Ordinal);
    readonly Dictionary<string, Dictionary<string, string>> _measurementTables = new(StringComparer.Ordinal);
    List<KernelMeasurementSet>? _measurements;

    static readonly Lazy<CatalogStore> Shared = new(() => new CatalogStore(typeof(CatalogStore).Assembly));

    /// <summary>
    /// The catalog shipped with Augur, loaded once. Only a front end's composition root reaches for it; workflows
    /// and engines take the catalog they are given, so a caller can pass a derived one.
    /// </summary>
    public static CatalogStore Default => Shared.Value;

    CatalogStore(CatalogStore from)
    {
        _accelerators = new(from._accelerators, StringComparer.OrdinalIgnoreCase);
        _acceleratorFiles = new(from._acceleratorFiles, StringComparer.OrdinalIgnoreCase);
        _systems = new(from._systems, StringComparer.OrdinalIgnoreCase);
        _models = new(from._models, StringComparer.OrdinalIgnoreCase);
        _calibrations = new(from._calibrations, StringComparer.OrdinalIgnoreCase);
        _frameworks = from._frameworks;
        _prices = new(from._prices, StringComparer.OrdinalIgnoreCase);
        _validation = [.. from._validation];
        _measurementSources = from._measurementSources;
        _measurementTables = from._measurementTables;
        _measurements = from._measurements;
    }

    /// <summary>A copy of this catalog with <paramref name="a"/> added (or replacing the entry of its id).</summary>
    public CatalogStore With(Accelerator a, double? priceUsdPerGpuHour = null)
    {
        var c = new CatalogStore(this);
        c._accelerators[a.Id] = a;
        c._acceleratorFiles.Remove(a.Id);
        if (priceUsdPerGpuHour is { } p) c._prices[a.Id] = p;
        else c._prices.Remove(a.Id);
        return c;
    }

    public CatalogStore With(SystemSpec s)
    {
        var c = new CatalogStore(this);
        c._systems[s.Id] = s;
        return c;
    }

    public CatalogStore With(ModelEntry m)
    {
        var c = new CatalogStore(this);
        c._models[m.Id] = m;
        return c;
    }

    public CatalogStore With(HardwareCalibration family)
    {
        var c = new CatalogStore(this);
        c._calibrations[family.Family] = family;
        return c;
    }

    CatalogStore(Assembly assembly)
    {
        foreach (var resource in assembly.GetManifestResourceNames().Order(StringComparer.Ordinal))
        {
            if (!resource.StartsWith("catalog/", StringComparison.Ordinal)) continue;
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            string text = reader.ReadToEnd();
            string name = resource["catalog/".Length..];
            if (name.EndsWith("README.md", StringComparison.Ordinal)) continue;
            string folder = name.Split('/')[0];
            if (folder == "measurements")
            {
                AddMeasurementFile(name, text);
                continue;
            }
            var node = DataReader.Read(text, name, name.EndsWith(".json", StringComparison.Ordinal));
            switch (folder)
            {
                case "accelerators": AddAccelerator((MappingNode)node); break;
                case "systems": var s = HardwareReader.System((MappingNode)node); _systems[s.Id] = s; break;
                case "models": var m = ModelReader.Entry((MappingNode)node); _models[m.Id] = m; break;
                case "calibration": var c = CalibrationReader.Read((MappingNode)node); _calibrations[c.Family] = c; break;
                case "validation": _validation.Add((name, node)); break;
                case "frameworks": var f = FrameworkReader.Read((MappingNode)node); _frameworks[f.Id] = f; break;
            }
        }
    }

    void AddMeasurementFile(string name, string text)
    {
        var parts = name.Split('/');
        if (parts.Length != 3) throw new InputException($"catalog/{name}: measurement files live in measurements/<set>/");
        if (parts[2] == "source.yaml")
            _measurementSources[parts[1]] = DataReader.Read(text, name, json: false) as MappingNode
                ?? throw new InputException($"catalog/{name}: expected a mapping (id, accelerator, device, measured_on, software, source, method)");
        else
        {
            if (!_measurementTables.TryGetValue(parts[1], out var tables)) _measurementTables[parts[1]] = tables = new(StringComparer.Ordinal);
            tables[parts[2]] = text;
        }
    }

    /// <summary>Kernel timings measured on real accelerators (catalog/measurements), read on first use.</summary>
    public IReadOnlyList<KernelMeasurementSet> Measurements => _measurements ??= ReadMeasurements();

    List<KernelMeasurementSet> ReadMeasurements()
    {
        foreach (var folder in _measurementTables.Keys.Where(k => !_measurementSources.ContainsKey(k)))
            throw new InputException($"catalog/measurements/{folder}: tables without a source.yaml saying where they come from");
        var sets = new List<KernelMeasurementSet>();
        foreach (var folder in _measurementSources.Keys.Order(StringComparer.Ordinal))
        {
            var set = MeasurementReader.Read(folder, _measurementSources[folder],
                _measurementTables.TryGetValue(folder, out var t) ? t : new Dictionary<string, string>());
            if (set.Id != folder) throw new InputException($"catalog/measurements/{folder}/source.yaml: id '{set.Id}' is not the folder name '{folder}'");
            sets.Add(set);
        }
        return sets;
    }

    void AddAccelerator(MappingNode node)
    {
        var a = HardwareReader.Accelerator(node);
        _accelerators[a.Id] = a;
        _acceleratorFiles[a.Id] = node;
        if (node.OptionalNumber("price_usd_per_gpu_hour") is { } price) _prices[a.Id] = price;
    }

    public IReadOnlyCollection<Accelerator> Accelerators => _accelerators.Values;
    public IReadOnlyCollection<SystemSpec> Systems => _systems.Values;
    public IReadOnlyCollection<ModelEntry> Models => _models.Values;
    public IReadOnlyCollection<HardwareCalibration> Calibrations => _calibrations.Values;
    public IReadOnlyList<(string Name, DataNode Node)> ValidationFiles => _validation;
    /// <summary>Training and serving frameworks whose documented arguments Augur exports to (catalog/frameworks).</summary>
    public IReadOnlyCollection<FrameworkSpec> Frameworks => _frameworks.Values;

    public Accelerator Accelerator(string id) => Find(_accelerators, id, "accelerator");
    public SystemSpec System(string id) => Find(_systems, id, "system");
    public ModelEntry Model(string id) => Find(_models, id, "model");
    public FrameworkSpec Framework(string id) => Find(_frameworks, id, "framework");

    public bool TryAccelerator(string id, out Accelerator a) => _accelerators.TryGetValue(id, out a!);
    public bool TrySystem(string id, out SystemSpec s) => _systems.TryGetValue(id, out s!);
    public bool TryModel(string id, out ModelEntry m) => _models.TryGetValue(id, out m!);

    /// <summary>Typical $/GPU-hour from the accelerator's catalog entry, when one is sourced.</summary>
    public double? Price(string acceleratorId) => _prices.TryGetValue(acceleratorId, out var p) ? p : null;

    /// <summary>The catalog file of an accelerator, for deriving hypothetical hardware from it.</summary>
    public MappingNode AcceleratorFile(string id) => Find(_acceleratorFiles, id, "accelerator");

    public bool HasCalibration(string family) => _calibrations.ContainsKey(family);

    /// <summary>The calibration of the accelerator's family, or the generic family when it has none.</summary>
    public HardwareCalibration Calibration(Accelerator a) =>
        _calibrations.TryGetValue(a.Family, out var c) ? c : _calibrations["generic"];

    public IEnumerable<string> AllNames() => _accelerators.Keys.Concat(_systems.Keys).Concat(_models.Keys);

    static T Find<T>(Dictionary<string, T> map, string id, string kind)
    {
        if (map.TryGetValue(id, out var v)) return v;
        string hint = Suggest.Nearest(id, map.Keys) is { } near ? $"; did you mean '{near}'?" : "";
        throw new InputException($"unknown {kind} '{id}'{hint} (run 'augur catalog list' to see all names)");
    }
}
