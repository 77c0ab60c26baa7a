using System.Reflection;
using Augur.Catalog.Files;
using Augur.Domain;
using Augur.Domain.Frameworks;
using Augur.Domain.Hardware;
using Augur.Units;

namespace Augur.Catalog.Loading;

/// <summary>
/// The shipped catalog (accelerators, systems, models, calibration families, validation cases), read from the
/// YAML files embedded in this assembly, each when it is first needed. Lookups fail with the nearest name as a suggestion.
/// </summary>
public sealed class CatalogStore
{
    /// <summary>An accelerator with the file it was read from (for hypothetical hardware derived from it) and its price.</summary>
    sealed record AcceleratorEntry(Accelerator Accelerator, MappingNode? File, double? Price);

    readonly CatalogTable<AcceleratorEntry> _accelerators;
    readonly CatalogTable<SystemSpec> _systems;
    readonly CatalogTable<ModelEntry> _models;
    readonly CatalogTable<HardwareCalibration> _calibrations;
    readonly CatalogTable<FrameworkSpec> _frameworks;
    readonly Lazy<List<(string Name, DataNode Node)>> _validation;
    readonly Lazy<List<KernelMeasurementSet>> _measurements;

    static readonly Lazy<CatalogStore> Shared = new(() => new CatalogStore(typeof(CatalogStore).Assembly));

    /// <summary>
    /// The catalog shipped with Augur, its files read as they are first needed. Only a front end's composition root
    /// reaches for it; workflows and engines take the catalog they are given, so a caller can pass a derived one.
    /// </summary>
    public static CatalogStore Default => Shared.Value;

    CatalogStore(CatalogStore from, CatalogTable<AcceleratorEntry>? accelerators = null, CatalogTable<SystemSpec>? systems = null,
        CatalogTable<ModelEntry>? models = null, CatalogTable<HardwareCalibration>? calibrations = null)
    {
        _accelerators = accelerators ?? from._accelerators;
        _systems = systems ?? from._systems;
        _models = models ?? from._models;
        _calibrations = calibrations ?? from._calibrations;
        _frameworks = from._frameworks;
        _validation = from._validation;
        _measurements = from._measurements;
    }

    /// <summary>A copy of this catalog with <paramref name="a"/> added (or replacing the entry of its id).</summary>
    public CatalogStore With(Accelerator a, double? priceUsdPerGpuHour = null) =>
        new(this, accelerators: _accelerators.With(new AcceleratorEntry(a, null, priceUsdPerGpuHour)));

    public CatalogStore With(SystemSpec s) => new(this, systems: _systems.With(s));

    public CatalogStore With(ModelEntry m) => new(this, models: _models.With(m));

    public CatalogStore With(HardwareCalibration family) => new(this, calibrations: _calibrations.With(family));

    CatalogStore(Assembly assembly)
    {
        _accelerators = new("accelerator", assembly,
            n => new AcceleratorEntry(HardwareReader.Accelerator(n), n, n.OptionalNumber("price_usd_per_gpu_hour")), e => e.Accelerator.Id);
        _systems = new("system", assembly, HardwareReader.System, s => s.Id);
        _models = new("model", assembly, ModelReader.Entry, m => m.Id);
        _calibrations = new("calibration family", assembly, CalibrationReader.Read, c => c.Family);
        _frameworks = new("framework", assembly, FrameworkReader.Read, f => f.Id);
        var validation = new List<string>();
        var measurements = new List<string>();
        foreach (var resource in assembly.GetManifestResourceNames().Order(StringComparer.Ordinal))
        {
            if (!resource.StartsWith("catalog/", StringComparison.Ordinal) || resource.EndsWith("README.md", StringComparison.Ordinal)) continue;
            string name = resource["catalog/".Length..];
            string folder = name.Split('/')[0], id = Path.GetFileNameWithoutExtension(name);
            switch (folder)
            {
                case "accelerators": _accelerators.AddFile(id, resource); break;
                case "systems": _systems.AddFile(id, resource); break;
                case "models": _models.AddFile(id, resource); break;
                case "calibration": _calibrations.AddFile(id, resource); break;
                case "frameworks": _frameworks.AddFile(id, resource); break;
                case "validation": validation.Add(resource); break;
                case "measurements": measurements.Add(resource); break;
            }
        }
        _validation = new(() => validation.Select(r => (r["catalog/".Length..], DataReader.Read(Text(assembly, r), r["catalog/".Length..], r.EndsWith(".json", StringComparison.Ordinal)))).ToList());
        _measurements = new(() => ReadMeasurements(assembly, measurements));
    }

    /// <summary>The text of an embedded catalog file.</summary>
    internal static string Text(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>Kernel timings measured on real accelerators (catalog/measurements), read on first use.</summary>
    public IReadOnlyList<KernelMeasurementSet> Measurements => _measurements.Value;

    static List<KernelMeasurementSet> ReadMeasurements(Assembly assembly, IEnumerable<string> resources)
    {
        var sources = new Dictionary<string, MappingNode>(StringComparer.Ordinal);
        var tables = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        foreach (var resource in resources)
        {
            string name = resource["catalog/".Length..];
            var parts = name.Split('/');
            if (parts.Length != 3) throw new InputException($"catalog/{name}: measurement files live in measurements/<set>/");
            string text = Text(assembly, resource);
            if (parts[2] == "source.yaml")
                sources[parts[1]] = DataReader.Read(text, name, json: false) as MappingNode
                    ?? throw new InputException($"catalog/{name}: expected a mapping (id, accelerator, device, measured_on, software, source, method)");
            else
            {
                if (!tables.TryGetValue(parts[1], out var t)) tables[parts[1]] = t = new(StringComparer.Ordinal);
                t[parts[2]] = text;
            }
        }
        foreach (var folder in tables.Keys.Where(k => !sources.ContainsKey(k)))
            throw new InputException($"catalog/measurements/{folder}: tables without a source.yaml saying where they come from");
        var sets = new List<KernelMeasurementSet>();
        foreach (var folder in sources.Keys.Order(StringComparer.Ordinal))
        {
            var set = MeasurementReader.Read(folder, sources[folder], tables.TryGetValue(folder, out var t) ? t : new Dictionary<string, string>());
            if (set.Id != folder) throw new InputException($"catalog/measurements/{folder}/source.yaml: id '{set.Id}' is not the folder name '{folder}'");
            sets.Add(set);
        }
        return sets;
    }

    public IReadOnlyCollection<Accelerator> Accelerators => _accelerators.All().Select(e => e.Accelerator).ToList();
    public IReadOnlyCollection<SystemSpec> Systems => _systems.All();
    public IReadOnlyCollection<ModelEntry> Models => _models.All();
    public IReadOnlyCollection<HardwareCalibration> Calibrations => _calibrations.All();
    public IReadOnlyList<(string Name, DataNode Node)> ValidationFiles => _validation.Value;
    /// <summary>Training and serving frameworks whose documented arguments Augur exports to (catalog/frameworks).</summary>
    public IReadOnlyCollection<FrameworkSpec> Frameworks => _frameworks.All();

    public Accelerator Accelerator(string id) => _accelerators.Get(id).Accelerator;
    /// <param name="where">The scenario key that names it, to begin the message when there is none.</param>
    public SystemSpec System(string id, string? where = null) => _systems.Get(id, where);
    /// <param name="where">The scenario key that names it, to begin the message when there is none.</param>
    public ModelEntry Model(string id, string? where = null) => _models.Get(id, where);
    public FrameworkSpec Framework(string id) => _frameworks.Get(id);

    /// <summary>The serving engine named <paramref name="id"/> (vllm, trtllm, trtllm-bench, sglang), from the frameworks that ship one.</summary>
    /// <param name="where">The scenario key that names it, to begin the message when there is none.</param>
    public ServingEngineSpec ServingEngine(string id, string? where = null) =>
        Frameworks.SelectMany(f => f.Engines).FirstOrDefault(e => e.Id == id)
        ?? throw new InputException($"{(where is null ? "" : where + ": ")}unknown engine '{id}'; use one of {string.Join(", ", Frameworks.SelectMany(f => f.Engines).Select(e => e.Id).Order(StringComparer.Ordinal))}");

    public bool TryAccelerator(string id, out Accelerator a)
    {
        bool found = _accelerators.TryGet(id, out var e);
        a = e?.Accelerator!;
        return found;
    }

    public bool TrySystem(string id, out SystemSpec s) => _systems.TryGet(id, out s!);
    public bool TryModel(string id, out ModelEntry m) => _models.TryGet(id, out m!);

    /// <summary>Typical $/GPU-hour from the accelerator's catalog entry, when one is sourced.</summary>
    public double? Price(string acceleratorId) => _accelerators.TryGet(acceleratorId, out var e) ? e.Price : null;

    /// <summary>The catalog file of an accelerator, for deriving hypothetical hardware from it.</summary>
    public MappingNode AcceleratorFile(string id, string? where = null) => _accelerators.Get(id, where).File
        ?? throw new InputException($"accelerator '{id}' was not read from a catalog file; derive hypothetical hardware from a catalog accelerator");

    public bool HasCalibration(string family) => _calibrations.TryGet(family, out _);

    /// <summary>The calibration of the accelerator's family (or the generic family when it has none), with the part's
    /// own measured GEMM fractions where its file gives them.</summary>
    public HardwareCalibration Calibration(Accelerator a) =>
        (_calibrations.TryGet(a.Family, out var c) ? c : _calibrations.Get("generic")).ForPart(a);

    /// <summary>Every accelerator, system and model name, without reading their files.</summary>
    public IEnumerable<string> AllNames() => _accelerators.Ids.Concat(_systems.Ids).Concat(_models.Ids);
}
