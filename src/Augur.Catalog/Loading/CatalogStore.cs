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
    readonly MeasurementFolders _measurements;

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
        _measurements = new MeasurementFolders(assembly, measurements);
    }

    /// <summary>The text of an embedded catalog file.</summary>
    internal static string Text(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>Kernel timings measured on real accelerators (catalog/measurements), each set read on first use.</summary>
    public IReadOnlyList<KernelMeasurementSet> Measurements => _measurements.All;

    /// <summary>One shipped measurement set by id, reading only its own folder; null when none has that id.</summary>
    public KernelMeasurementSet? Measurement(string id) => _measurements.Get(id);

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
    public HardwareCalibration Calibration(Accelerator a)
    {
        var c = (_calibrations.TryGet(a.Family, out var family) ? family : _calibrations.Get("generic")).ForPart(a);
        // Training reads the sets; serving never asks, so a start-up reads no measurement files for it.
        return c.TrainingGemmSets.Count == 0 ? c : c with { TrainingGemms = new(() => TrainingGemms(c, a)) };
    }

    /// <summary>The first of the family's training GEMM sets whose <c>trains</c> covers <paramref name="a"/>, measured on its own accelerator; null where none does.</summary>
    TrainingGemmKernels? TrainingGemms(HardwareCalibration c, Accelerator a) =>
        c.TrainingGemmSets.Select(id => Measurement(id) ?? throw new InputException($"calibration {c.Family}: training_gemms names '{id}', which is not a set in catalog/measurements"))
            .FirstOrDefault(m => m.Trains?.Covers(a.KernelId) == true) is { } set ? new TrainingGemmKernels(set, Accelerator(set.AcceleratorId)) : null;

    /// <summary>Every accelerator, system and model name, without reading their files.</summary>
    public IEnumerable<string> AllNames() => _accelerators.Ids.Concat(_systems.Ids).Concat(_models.Ids);
}
