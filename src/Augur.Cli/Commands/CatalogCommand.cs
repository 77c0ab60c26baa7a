using System.CommandLine;
using Augur.Catalog.Loading;
using Augur.Reports;
using Augur.Reports.Console;
using Augur.Reports.Json;

namespace Augur.Cli.Commands;

/// <summary><c>augur catalog list</c> and <c>augur catalog show NAME</c>.</summary>
static class CatalogCommand
{
    public static Command Create(TextWriter output, CatalogStore catalog)
    {
        var json = Shared.Json();
        var list = new Command("list", "list accelerators, systems and models") { json };
        list.SetAction(r =>
        {
            if (r.GetValue(json)) JsonOut.Write(output, CatalogReport.ListJson(catalog));
            else Render.To(output, CatalogReport.List(catalog));
            return 0;
        });
        var name = new Argument<string>("name") { Description = "an accelerator, system or model name, or a path to a HuggingFace config.json" };
        var json2 = Shared.Json();
        var show = new Command("show", "show one entry with its numbers and sources, or a model's config.json as read") { name, json2 };
        show.SetAction(r =>
        {
            var n = r.GetValue(name)!;
            // A path to a config.json shows the model as read: parameters, active parameters, KV bytes per token.
            if (!catalog.TryModel(n, out _) && (File.Exists(n) || n.EndsWith(".json", StringComparison.OrdinalIgnoreCase)))
            {
                var spec = ModelReader.FromFile(n);
                var entry = new ModelEntry(spec.Name, spec, double.NaN, double.NaN, [spec.Source], $"read from {n}; not a catalog entry, so no published parameter counts");
                if (r.GetValue(json2)) JsonOut.Write(output, CatalogReport.ShowJson(entry));
                else Render.To(output, CatalogReport.Show(entry));
                return 0;
            }
            if (r.GetValue(json2)) JsonOut.Write(output, CatalogReport.ShowJson(catalog, n));
            else Render.To(output, CatalogReport.Show(catalog, n));
            return 0;
        });
        return new Command("catalog", "browse the shipped catalog") { list, show };
    }
}
