using System.CommandLine;
using Augur.Catalog.Loading;
using Augur.Domain;
using Augur.Export;
using Augur.Reports.Json;

namespace Augur.Cli.Commands;

/// <summary><c>augur export FILE --to FRAMEWORK</c>: the scenario's (or plan's) layout as a framework's own settings.</summary>
static class ExportCommand
{
    public static Command Create(TextWriter output, CatalogStore catalog)
    {
        var file = Shared.ScenarioFile();
        var json = Shared.Json();
        var set = Shared.Set();
        var to = new Option<string>("--to") { Description = $"the framework: {string.Join(", ", ExportWorkflow.Targets)}", Required = true };
        var plan = new Option<bool>("--plan") { Description = "export plan's winner even when the scenario fixes some degrees (a scenario that fixes none is always planned)" };
        var outPath = new Option<string>("--out") { Description = "also write the arguments or config file to FILE" };
        var cmd = new Command("export", "write the scenario's layout as Megatron-LM, torchtitan, MaxText, vLLM, SGLang or TensorRT-LLM settings") { file, to, plan, outPath, json, set };
        cmd.SetAction(r =>
        {
            var s = Shared.Load(catalog, r.GetValue(file)!, r.GetValue(set));
            var e = ExportWorkflow.Run(s, catalog, r.GetValue(to)!, r.GetValue(plan));
            string text = ExportText.Render(e);
            if (r.GetValue(outPath) is { } path) Shared.WriteText(path, text);
            if (r.GetValue(json)) JsonOut.Write(output, ExportJson.Of(e));
            else output.Write(text);
            return 0;
        });
        return cmd;
    }
}
