using System.Net;
using Augur.Catalog.Loading;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Augur.Web;

/// <summary>
/// The web app's composition: a plain host (no configuration files, no environment-chosen startup assemblies, no
/// logging to the console), the page and the API. <c>augur serve</c> adds Kestrel on 127.0.0.1; tests add a test server.
/// </summary>
public static class AugurWeb
{
    /// <summary>The app without a server.</summary>
    public static IHostBuilder Host(CatalogStore catalog, WebLimits limits) =>
        new HostBuilder().ConfigureWebHost(web => web
            .UseSetting(WebHostDefaults.PreventHostingStartupKey, "true")
            .UseContentRoot(AppContext.BaseDirectory)
            .ConfigureServices(services => services.AddRouting())
            .Configure(app =>
            {
                app.Use(Guard.LocalOnly);
                app.UseRouting();
                app.UseEndpoints(endpoints => Api.Map(endpoints, catalog, limits));
            }));

    /// <summary>The app on Kestrel, listening on 127.0.0.1 only; port 0 takes a free one.</summary>
    public static IHost Server(CatalogStore catalog, WebLimits limits, int port) =>
        Host(catalog, limits).ConfigureWebHost(web => web.UseKestrel(k => k.Listen(IPAddress.Loopback, port))).Build();

    /// <summary>The address a started server listens on (with the port it took when asked for 0).</summary>
    public static Uri Address(IHost started) =>
        new(started.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
}
