using Microsoft.AspNetCore.Http;

namespace Augur.Web;

/// <summary>The page's files, read once from the assembly's embedded resources: nothing is read from disk.</summary>
static class Pages
{
    public static readonly (string Name, string Type)[] Files =
    [
        ("index.html", "text/html; charset=utf-8"),
        ("app.js", "text/javascript; charset=utf-8"),
        ("app.css", "text/css; charset=utf-8"),
    ];

    static readonly Dictionary<string, byte[]> Content = Files.ToDictionary(f => f.Name, f => Read(f.Name));

    static byte[] Read(string name)
    {
        using var s = typeof(Pages).Assembly.GetManifestResourceStream("web/" + name)
            ?? throw new InvalidOperationException($"the page file {name} is not embedded in {typeof(Pages).Assembly.GetName().Name}");
        using var m = new MemoryStream();
        s.CopyTo(m);
        return m.ToArray();
    }

    public static Task Send(HttpContext h, string name, string type)
    {
        h.Response.ContentType = type;
        // The page runs only its own script and shows charts as images, never as inline markup.
        h.Response.Headers.ContentSecurityPolicy = "default-src 'self'; img-src 'self' blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";
        return h.Response.Body.WriteAsync(Content[name]).AsTask();
    }
}
