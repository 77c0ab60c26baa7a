using System.CommandLine;
using System.Text.Json.Nodes;
using Augur.Catalog.Files;
using Augur.Catalog.Loading;
using Augur.Domain;
using Augur.Export.Import;
using Augur.Reports.Json;

namespace Augur.Cli.Commands;

/// <summary><c>augur import LINE --from megatron|vllm</c>: a framework's command line read back into a scenario YAML.</summary>
static class ImportCommand
{
    public static Command Create(TextWriter output, CatalogStore catalog)
    {
        var line = new Argument<string>("line") { Description = "the argument line or serve command, quoted (or a file that holds it, such as an export)" };
        var from = new Option<string>("--from") { Description = $"the framework: {string.Join(", ", ImportWorkflow.Sources)}", Required = true };
        var hardware = new Option<string>("--hardware") { Description = "the accelerator or system it runs on (a catalog name such as h100-sxm)", Required = true };
        var model = new Option<string>("--model") { Description = "the model (a catalog name or config.json); vllm infers it from a repository the catalog cites" };
        var gpus = new Option<int?>("--gpus") { Description = "the cluster's GPUs (default: torchrun's --nnodes x --nproc-per-node, or one vLLM engine)" };
        var input = new Option<int?>("--input-tokens") { Description = "serving: prompt tokens per request" };
        var outputTokens = new Option<int?>("--output-tokens") { Description = "serving: output tokens per request" };
        var outPath = new Option<string>("--out") { Description = "also write the scenario to FILE" };
        var json = Shared.Json();
        var cmd = new Command("import", "read a Megatron-LM argument line or a vLLM serve command into a scenario YAML") { line, from, hardware, model, gpus, input, outputTokens, outPath, json };
        cmd.SetAction(r =>
        {
            string text = r.GetValue(line)!;
            if (File.Exists(text)) text = DataReader.ReadText(text, ImportWorkflow.MaxLineLength);
            var request = new ImportRequest(r.GetValue(from)!, text, r.GetValue(hardware)!, r.GetValue(model), r.GetValue(gpus), r.GetValue(input), r.GetValue(outputTokens));
            var o = ImportWorkflow.Run(request, catalog, Directory.GetCurrentDirectory());
            if (r.GetValue(outPath) is { } path) Shared.WriteText(path, o.Yaml);
            if (r.GetValue(json))
                JsonOut.Write(output, new JsonObject
                {
                    ["framework"] = o.Framework,
                    ["model"] = o.Scenario.Model.Name,
                    ["hardware"] = o.Scenario.Cluster.Accelerator.Id,
                    ["gpus"] = o.Scenario.Cluster.Gpus,
                    ["ignored"] = new JsonArray(o.Ignored.Distinct().Select(i => (JsonNode)JsonValue.Create(i)!).ToArray()),
                    ["scenario"] = o.Yaml,
                });
            else output.Write(o.Yaml);
            return 0;
        });
        return cmd;
    }
}
