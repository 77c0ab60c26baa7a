using System.CommandLine;
using Augur.Catalog.Loading;
using Augur.Domain;
using Augur.Web;
using Microsoft.Extensions.Hosting;

namespace Augur.Cli.Commands;

/// <summary><c>augur serve</c>: the web app on 127.0.0.1 until Ctrl+C.</summary>
static class ServeCommand
{
    public static Command Create(TextWriter output, CatalogStore catalog)
    {
        var port = new Option<int>("--port") { Description = "the port to listen on, on 127.0.0.1 only (0 takes a free one)", DefaultValueFactory = _ => 5000 };
        var cmd = new Command("serve", "open a local web app: pick a model, hardware and job, then estimate, plan or simulate; also a JSON API") { port };
        cmd.SetAction(r =>
        {
            int p = r.GetValue(port);
            if (p is < 0 or > 65535) throw new InputException($"--port must be 0 to 65535, got {p}");
            using var host = AugurWeb.Server(catalog, new WebLimits(), p);
            try { host.Start(); }
            catch (IOException e) { throw new InputException($"--port {p}: {e.Message.Split('\n')[0].TrimEnd('.')}; choose another port, or --port 0 for a free one"); }
            output.WriteLine($"augur: serving on {AugurWeb.Address(host)} (Ctrl+C stops)");
            output.Flush();
            host.WaitForShutdown();
            return 0;
        });
        return cmd;
    }
}
