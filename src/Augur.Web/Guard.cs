using Microsoft.AspNetCore.Http;

namespace Augur.Web;

/// <summary>Requests the local app answers: only those addressed to this machine by name.</summary>
static class Guard
{
    static readonly string[] LocalHosts = ["localhost", "127.0.0.1", "[::1]"];

    /// <summary>
    /// A page elsewhere could point a name of its own at 127.0.0.1 (DNS rebinding) and call the API from the
    /// user's browser; such a request carries that other name in its Host header, so it is refused.
    /// </summary>
    public static async Task LocalOnly(HttpContext http, Func<Task> next)
    {
        if (!LocalHosts.Contains(http.Request.Host.Host, StringComparer.OrdinalIgnoreCase))
        {
            await Api.Line(http, StatusCodes.Status400BadRequest, $"host '{http.Request.Host.Host}' is not this machine; open http://127.0.0.1:{http.Request.Host.Port}/");
            return;
        }
        http.Response.Headers.XContentTypeOptions = "nosniff";
        await next();
    }
}
