using System.CommandLine;
using Augur.Catalog.Loading;
using Augur.Reports.Claims;
using Augur.Reports.Console;
using Augur.Reports.Json;
using Augur.Workflows.Claims;

namespace Augur.Cli.Commands;

/// <summary><c>augur claim FILE</c>: what a vendor's throughput claim requires per chip.</summary>
static class ClaimCommand
{
    public static Command Create(TextWriter output, CatalogStore catalog)
    {
        var file = new Argument<string>("file") { Description = "claim file: claim, model, chips, tokens_per_s, input_tokens, output_tokens, precision, hardware {name, hbm_gb, hbm_tb_s?, dense_tflops?}" };
        var json = Shared.Json();
        var cmd = new Command("claim", "the FLOP/s and HBM bytes/s per chip a serving-throughput claim requires, and which phase carries it") { file, json };
        cmd.SetAction(r =>
        {
            var o = ClaimWorkflow.Run(ClaimWorkflow.Read(catalog, r.GetValue(file)!), catalog);
            if (r.GetValue(json)) JsonOut.Write(output, ClaimReport.Json(o));
            else Render.To(output, ClaimReport.Tables(o));
            return 0;
        });
        return cmd;
    }
}
