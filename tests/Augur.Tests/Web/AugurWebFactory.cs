using Augur.Catalog.Loading;
using Augur.Web;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Hosting;

namespace Augur.Tests.Web;

/// <summary>
/// The web app as augur serve composes it, on ASP.NET's test server, with the limits a test chooses. The factory wants its
/// type argument from an assembly with an entry point and a deps file: this test assembly has both.
/// </summary>
public sealed class AugurWebFactory : WebApplicationFactory<AugurWebFactory>
{
    public WebLimits Limits { get; init; } = new();

    protected override IHostBuilder CreateHostBuilder() => AugurWeb.Host(CatalogStore.Default, Limits);

    /// <summary>The factory guesses a content root beside the solution; the app reads nothing from one, so the test's own folder serves.</summary>
    protected override void ConfigureWebHost(IWebHostBuilder builder) => builder.UseContentRoot(AppContext.BaseDirectory);
}
