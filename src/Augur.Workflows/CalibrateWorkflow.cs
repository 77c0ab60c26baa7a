using Augur.Catalog.Files;
using Augur.Catalog.Loading;
using Augur.CostModels.Calibration;
using Augur.Domain;
using Augur.Domain.Hardware;

namespace Augur.Workflows;

/// <summary>Kernel parameters fitted to measurement sets of one hardware family, beside the family's shipped values.</summary>
public sealed record CalibrationOutcome(IReadOnlyList<KernelMeasurementSet> Sets, HardwareCalibration Family, KernelFitResult Fitted);

/// <summary><c>calibrate</c>: fit a family's GEMM, HBM, per-kernel and attention parameters to measured kernels.</summary>
public static class CalibrateWorkflow
{
    /// <param name="sets">Catalog measurement-set ids or folders written by tools/measure.</param>
    public static CalibrationOutcome Run(CatalogStore catalog, IEnumerable<string> sets)
    {
        // The same set named twice would count its rows twice.
        var loaded = sets.Select(s => Load(catalog, s)).DistinctBy(s => s.Id).ToList();
        if (loaded.Count == 0) throw new InputException("name at least one measurement set");
        var withChips = loaded.Select(s => (Set: s, Accelerator: catalog.Accelerator(s.AcceleratorId))).ToList();
        var families = withChips.Select(x => x.Accelerator.Family).Distinct().ToList();
        if (families.Count > 1)
            throw new InputException($"the sets come from different hardware families ({string.Join(", ", families)}); calibrate one family at a time");
        return new CalibrationOutcome(loaded, catalog.Calibration(withChips[0].Accelerator), KernelFit.Fit(withChips));
    }

    static KernelMeasurementSet Load(CatalogStore catalog, string nameOrFolder)
    {
        if (Directory.Exists(nameOrFolder)) return MeasurementReader.ReadFolder(nameOrFolder);
        var shipped = catalog.Measurements.FirstOrDefault(m => m.Id.Equals(nameOrFolder, StringComparison.OrdinalIgnoreCase));
        if (shipped is not null) return shipped;
        string hint = Suggest.Nearest(nameOrFolder, catalog.Measurements.Select(m => m.Id)) is { } near ? $"; did you mean '{near}'?" : "";
        throw new InputException($"'{nameOrFolder}' is neither a measurement set in catalog/measurements nor a folder{hint} (shipped: {string.Join(", ", catalog.Measurements.Select(m => m.Id))})");
    }
}
