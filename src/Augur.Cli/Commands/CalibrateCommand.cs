using System.CommandLine;
using Augur.Catalog.Loading;
using Augur.Reports;
using Augur.Reports.Console;
using Augur.Reports.Json;
using Augur.Workflows;

namespace Augur.Cli.Commands;

/// <summary><c>augur calibrate SET...</c>: fit a family's kernel parameters to measured kernel timings.</summary>
static class CalibrateCommand
{
    public static Command Create(TextWriter output, CatalogStore catalog)
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
            var o = CalibrateWorkflow.Run(catalog, r.GetValue(sets)!);
            if (r.GetValue(json)) JsonOut.Write(output, CalibrationReport.Json(o.Sets, o.Family, o.Fitted));
            else Render.To(output, CalibrationReport.Tables(o.Sets, o.Family, o.Fitted));
            return 0;
        });
        return cmd;
    }
}
