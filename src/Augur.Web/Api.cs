using System.Text;
using System.Text.Json.Nodes;
using Augur.Catalog.Loading;
using Augur.Domain;
using Augur.Reports;
using Augur.Reports.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Augur.Web;

/// <summary>
/// The endpoints. Each command takes the scenario text as the request body and answers with the same JSON document
/// as the CLI's --json; its /view form adds the tables and the chart for the page. Bad input is 400 with the one
/// line the CLI prints, a body over the limit 413, an answer past the time limit 503.
/// </summary>
static class Api
{
    public static void Map(IEndpointRouteBuilder e, CatalogStore catalog, WebLimits limits)
    {
        foreach (var (name, type) in Pages.Files) e.MapGet(name == "index.html" ? "/" : "/" + name, (HttpContext h) => Pages.Send(h, name, type));
        e.MapGet("/api/catalog", (HttpContext h) => Json(h, CatalogReport.ListJson(catalog)));
        e.MapGet("/api/catalog/{name}", (HttpContext h, string name) => Guarded(h, () => Json(h, CatalogReport.ShowJson(catalog, name))));
        foreach (bool view in new[] { false, true })
        {
            string suffix = view ? "/view" : "";
            e.MapPost("/api/estimate" + suffix, (HttpContext h) => Command(h, limits, view, (text, p) => Answers.Estimate(catalog, text, p)));
            e.MapPost("/api/plan" + suffix, (HttpContext h) => Command(h, limits, view, (text, p) => Answers.Plan(catalog, text, Top(h), view, p)));
            e.MapPost("/api/simulate" + suffix, (HttpContext h) => Command(h, limits, view, (text, p) => Answers.Simulate(catalog, text, p)));
        }
    }

    static int Top(HttpContext h) => h.Request.Query["top"] is { Count: > 0 } v
        ? int.TryParse(v[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int n) ? n
            : throw new InputException($"top must be a whole number, got '{v[0]}'")
        : 5;

    /// <summary>Reads the scenario, answers it on a worker under the time limit, and sends the JSON.</summary>
    static async Task Command(HttpContext h, WebLimits limits, bool view, Func<string, IProgress<long>, Answer> answer)
    {
        if (await Body(h, limits.MaxBodyBytes) is not { } text) return;
        using var time = CancellationTokenSource.CreateLinkedTokenSource(h.RequestAborted);
        time.CancelAfter(limits.TimeLimit);
        var deadline = new Deadline(limits.TimeLimit, time.Token);
        try
        {
            var node = await Task.Run(() =>
            {
                var a = answer(text, deadline);
                deadline.Report(0);
                return view ? a.View() : a.Json();
            }, time.Token).WaitAsync(time.Token);
            await Json(h, node);
        }
        catch (OperationCanceledException) when (!h.RequestAborted.IsCancellationRequested)
        {
            await Line(h, StatusCodes.Status503ServiceUnavailable,
                $"the answer took longer than the {limits.TimeLimit.TotalSeconds:0.###} s limit and was stopped; ask a smaller question (fewer simulated requests, fewer GPUs, more of the layout fixed) or run it with the augur command");
        }
        catch (Exception ex) when (BadInput(ex) is { } line)
        {
            await Line(h, StatusCodes.Status400BadRequest, line);
        }
    }

    static async Task Guarded(HttpContext h, Func<Task> send)
    {
        try { await send(); }
        catch (Exception ex) when (BadInput(ex) is { } line) { await Line(h, StatusCodes.Status400BadRequest, line); }
    }

    /// <summary>The one line for bad input, as the CLI words it; null for anything else (a fault, which stays a 500).</summary>
    static string? BadInput(Exception ex) => ex switch
    {
        InputException e => e.Message,
        FormatException e => e.Message.Split('\n')[0],
        _ => null,
    };

    /// <summary>The body as text, or null once a 413 has been sent because it is over the limit.</summary>
    static async Task<string?> Body(HttpContext h, int max)
    {
        string tooLarge = $"the request body is over the {max:N0}-byte limit; send a scenario (with any config.json inline) of at most that size";
        if (h.Request.ContentLength > max)
        {
            await Line(h, StatusCodes.Status413PayloadTooLarge, tooLarge);
            return null;
        }
        var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await h.Request.Body.ReadAsync(chunk, h.RequestAborted)) > 0)
        {
            if (buffer.Length + read > max)
            {
                await Line(h, StatusCodes.Status413PayloadTooLarge, tooLarge);
                return null;
            }
            buffer.Write(chunk, 0, read);
        }
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        }
        catch (DecoderFallbackException)
        {
            await Line(h, StatusCodes.Status400BadRequest, "the request body is not UTF-8 text; send the scenario as YAML or JSON text");
            return null;
        }
    }

    /// <summary>The stable JSON document, written as the CLI writes it.</summary>
    static Task Json(HttpContext h, JsonNode node)
    {
        var text = new StringWriter { NewLine = "\n" };
        JsonOut.Write(text, node);
        h.Response.ContentType = "application/json; charset=utf-8";
        return h.Response.WriteAsync(text.ToString());
    }

    /// <summary>One line of plain text, <c>augur: ...</c>, as the CLI prints bad input.</summary>
    public static Task Line(HttpContext h, int status, string message)
    {
        h.Response.StatusCode = status;
        h.Response.ContentType = "text/plain; charset=utf-8";
        return h.Response.WriteAsync($"augur: {message}\n");
    }
}
