using System.CommandLine;
using Augur.Catalog.Loading;
using Augur.Domain;
using Augur.Reports;
using Augur.Reports.Console;
using Augur.Reports.Json;

namespace Augur.Cli.Commands;

/// <summary><c>augur budget --flops 1e25 --hardware b300</c>: how long a FLOP budget takes at peak and at a utilization.</summary>
static class BudgetCommand
{
    public static Command Create(TextWriter output, CatalogStore catalog)
    {
        var flops = new Option<double>("--flops") { Description = "training compute budget in FLOPs, e.g. 1e25", Required = true };
        var hw = new Option<string>("--hardware") { Description = "accelerator name, e.g. b300", Required = true };
        var gpus = new Option<int>("--gpus") { Description = "number of accelerators", DefaultValueFactory = _ => 1 };
        var util = new Option<double>("--utilization") { Description = "fraction of peak achieved (MFU)", DefaultValueFactory = _ => 0.5 };
        var json = Shared.Json();
        var cmd = new Command("budget", "time to spend a FLOP budget on N accelerators, at each peak and at a utilization") { flops, hw, gpus, util, json };
        cmd.SetAction(r =>
        {
            double f = r.GetValue(flops);
            int n = r.GetValue(gpus);
            double u = r.GetValue(util);
            // Written so NaN fails every test.
            if (!(f > 0 && n >= 1 && u > 0 && u <= 1)) throw new InputException("--flops must be positive, --gpus at least 1 and --utilization in (0, 1]");
            InputLimits.Check("--flops", f, 1, InputLimits.MaxFlops, "a million times the largest training runs to date");
            InputLimits.Check("--gpus", n, 1, InputLimits.MaxGpus, "several times the largest announced clusters");
            var acc = catalog.Accelerator(r.GetValue(hw)!);
            var rows = BudgetReport.Rows(acc, f, n, u);
            if (r.GetValue(json)) JsonOut.Write(output, BudgetReport.Json(acc, f, n, u, rows));
            else Render.To(output, BudgetReport.Tables(acc, f, n, u, rows));
            return 0;
        });
        return cmd;
    }
}
