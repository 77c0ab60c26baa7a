using System.CommandLine;
using Augur.Catalog.Loading;
using Augur.Domain;
using Augur.Plots;
using Augur.Reports.Console;
using Augur.Reports.Json;
using Augur.Reports.Needs;
using Augur.Workflows;
using Augur.Workflows.Needs;

namespace Augur.Cli.Commands;

/// <summary><c>augur needs FILE --resource R --target K=V</c> and <c>augur needs FILE --sensitivity</c>.</summary>
static class NeedsCommand
{
    public static Command Create(TextWriter output, CatalogStore catalog)
    {
        var file = Shared.ScenarioFile();
        var json = Shared.Json();
        var plot = Shared.Plot();
        var resource = new Option<string>("--resource") { Description = $"what to find the least of: {string.Join(", ", Resources.All.Select(Resources.Name))}" };
        var target = new Option<string[]>("--target") { Description = "what to reach (repeatable): days=D or step_time_s=S (training); tokens_per_s_per_user=U, usd_per_million_tokens=C (serving)" };
        var sensitivity = new Option<bool>("--sensitivity") { Description = "instead: the gain in the planner's objective from +10% of each resource" };
        var cmd = new Command("needs", "the least of a resource (HBM, bandwidth, FLOP/s, scale-up, scale-out, GPUs) to reach a target, or which resource binds") { file, resource, target, sensitivity, json, plot };
        cmd.SetAction(r =>
        {
            var plotPath = Shared.PlotPath(r, plot);
            var document = ScenarioDocument.FromFile(r.GetValue(file)!);
            bool asJson = r.GetValue(json);
            if (r.GetValue(sensitivity))
            {
                if (r.GetValue(resource) is not null || r.GetValue(target) is { Length: > 0 })
                    throw new InputException("--sensitivity varies every resource by 10%; leave out --resource and --target");
                var s = SensitivityWorkflow.Run(document, catalog);
                if (asJson) JsonOut.Write(output, NeedsReport.Json(s));
                else Render.To(output, NeedsReport.Tables(s));
                if (plotPath is not null) NeedsCharts.Sensitivity(s).Save(plotPath);
                return 0;
            }
            var res = Resources.Parse(r.GetValue(resource) ?? throw new InputException("name the --resource to find the least of (or ask for --sensitivity)"));
            var o = NeedsWorkflow.Run(document, catalog, res, (r.GetValue(target) ?? []).Select(NeedsTarget.Parse).ToList());
            if (asJson) JsonOut.Write(output, NeedsReport.Json(o));
            else Render.To(output, NeedsReport.Tables(o));
            if (plotPath is not null) NeedsCharts.Probes(o).Save(plotPath);
            return 0;
        });
        return cmd;
    }
}
