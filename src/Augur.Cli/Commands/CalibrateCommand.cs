using System.CommandLine;
using Augur.Catalog.Files;
using Augur.Catalog.Loading;
using Augur.CostModels.Calibration;
using Augur.Domain;
using Augur.Domain.Hardware;
using Augur.Reports;
using Augur.Reports.Console;
using Augur.Reports.Json;

namespace Augur.Cli.Commands;

/// <summary><c>augur calibrate SET...</c>: fit a family's kernel parameters to measured kernel timings.</summary>
static class CalibrateCommand
{
    public static Command Create(TextWriter output)
    {
        var json = Shared.Json();
        var sets = new Argument<string[]>("sets")
        {
            Description = "measurement sets: catalog ids (catalog/measurements, e.g. h100-2026-11-26) or folders holding source.yaml and the CSVs tools/measure/hopper_kernels.py writes",
            Arity = ArgumentArity.OneOrMore,
        };
        var cmd = new Command("calibrate", "fit GEMM, HBM, per-kernel and attention parameters to kernels measured on one hardware family, beside the family file's values") { sets, json };
        cmd.SetAction(r =>
        {
            var catalog = CatalogStore.Default;
            // The same set named twice would count its rows twice.
            var loaded = r.GetValue(sets)!.Select(s => Load(catalog, s)).DistinctBy(s => s.Id).ToList();
            var withChips = loaded.Select(s => (Set: s, Accelerator: catalog.Accelerator(s.AcceleratorId))).ToList();
            var families = withChips.Select(x => x.Accelerator.Family).Distinct().ToList();
            if (families.Count > 1)
                throw new InputException($"the sets come from different hardware families ({string.Join(", ", families)}); calibrate one family at a time");
            var family = catalog.Calibration(withChips[0].Accelerator);
            var fitted = KernelFit.Fit(withChips);
            if (r.GetValue(json)) JsonOut.Write(output, CalibrationReport.Json(loaded, family, fitted));
            else Render.To(output, CalibrationReport.Tables(loaded, family, fitted));
            return 0;
        });
        return cmd;
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
