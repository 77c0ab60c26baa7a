using Augur.Catalog.Loading;
using Augur.Web;
using Microsoft.Extensions.Hosting;
using PuppeteerSharp;

namespace Augur.Tests.Web;

/// <summary>
/// The page in a real headless Chromium against augur serve's own server (Kestrel on 127.0.0.1): a user picks a
/// model, hardware and GPUs, edits the scenario, runs a plan and reads the result and its chart.
/// </summary>
public class BrowserTests
{
    /// <summary>
    /// Debian's chromium (.ci/run installs it when missing), or AUGUR_CHROMIUM. A machine without it fails here
    /// with what to install, rather than skipping the browser test unseen.
    /// </summary>
    static string Chromium()
    {
        string? path = Environment.GetEnvironmentVariable("AUGUR_CHROMIUM") is { Length: > 0 } set ? set
            : new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists);
        if (path is null || !File.Exists(path))
            Assert.Fail("the browser test needs Chromium: install Debian's package (apt-get install -y chromium; .ci/run does so when it is missing) or set AUGUR_CHROMIUM to a Chromium binary");
        return path!;
    }

    /// <summary>As root, in a closed network: no sandbox, no GPU, no background connections, a fresh profile.</summary>
    static readonly string[] Flags =
        ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

    [Fact]
    public async Task A_user_plans_a_layout_and_sees_the_ranking_and_its_chart()
    {
        string chromium = Chromium();
        using var host = AugurWeb.Server(CatalogStore.Default, new WebLimits(), 0);
        await host.StartAsync();
        var profile = Directory.CreateTempSubdirectory("augur-chromium-");
        try
        {
            await using var browser = await Puppeteer.LaunchAsync(new LaunchOptions
            {
                ExecutablePath = chromium, Headless = true, UserDataDir = profile.FullName, Args = Flags, Timeout = 60_000,
            });
            await using var page = await browser.NewPageAsync();
            page.DefaultTimeout = 60_000;
            await page.SetViewportAsync(new ViewPortOptions { Width = 1200, Height = 900 });
            await page.GoToAsync(AugurWeb.Address(host).ToString());
            await page.WaitForFunctionAsync("() => document.getElementById('model').options.length > 0");

            // Pick from the catalog, write the scenario, then edit it by hand: tensor parallelism fixed at 2.
            await page.SelectAsync("#model", "llama3.1-8b");
            await page.SelectAsync("#hardware", "h100-sxm");
            await page.ClickAsync("#gpus", new PuppeteerSharp.Input.ClickOptions { Count = 3 });
            await page.TypeAsync("#gpus", "64");
            await page.ClickAsync("#write");
            string written = await Value(page, "#scenario");
            Assert.Contains("model: llama3.1-8b", written);
            Assert.Contains("hardware: h100-sxm", written);
            Assert.Contains("cluster: {gpus: 64}", written);
            await page.FocusAsync("#scenario");
            await page.Keyboard.DownAsync("Control");
            await page.Keyboard.PressAsync("End");
            await page.Keyboard.UpAsync("Control");
            await page.Keyboard.TypeAsync("parallelism: {tp: 2}\n");

            await page.ClickAsync("#run-plan");
            await page.WaitForFunctionAsync("() => { const c = document.querySelectorAll('#charts img'); return c.length > 0 && [...c].every(i => i.complete && i.naturalWidth > 0); }");
            Assert.Equal("plan done.", await page.EvaluateExpressionAsync<string>("document.getElementById('status').textContent"));

            // The ranking as the page shows it: every layout keeps tp 2 and splits the 64 GPUs exactly.
            var ranking = await page.EvaluateExpressionAsync<string[][]>(
                "[...document.querySelector('#items table').rows].map(r => [...r.cells].map(c => c.textContent))");
            int layout = Array.IndexOf(ranking[0], "layout");
            Assert.True(layout >= 0, string.Join(" | ", ranking[0]));
            Assert.Equal(1 + 5, ranking.Length);
            foreach (var row in ranking.Skip(1))
            {
                Assert.StartsWith("tp2 ", row[layout]);
                Assert.Equal(64, WebApiTests.Degrees(row[layout]));
            }
            // The chart is the plan's: an SVG of the ranked layouts drawn by Augur.Plots, 1000 pixels wide.
            Assert.Equal(new[] { 1000 }, await page.EvaluateExpressionAsync<int[]>("[...document.querySelectorAll('#charts img')].map(i => i.naturalWidth)"));

            string shot = Path.Combine(AppContext.BaseDirectory, "web.png");
            await page.ScreenshotAsync(shot, new ScreenshotOptions { FullPage = true });
            Assert.True(new FileInfo(shot).Length > 10_000);
            // AUGUR_WEB_SCREENSHOT=docs/web.png keeps the picture the README shows.
            if (Environment.GetEnvironmentVariable("AUGUR_WEB_SCREENSHOT") is { Length: > 0 } keep) File.Copy(shot, keep, overwrite: true);

            // Bad input: the one line the CLI would print, shown as an error, and no stale result.
            await page.EvaluateExpressionAsync("document.getElementById('scenario').value = ''");
            await page.TypeAsync("#scenario", "workload: training\nmodel: lama3.1-8b\n");
            await page.ClickAsync("#run-estimate");
            await page.WaitForFunctionAsync("() => document.getElementById('status').className === 'error'");
            string error = await page.EvaluateExpressionAsync<string>("document.getElementById('status').textContent");
            Assert.StartsWith("augur: ", error);
            Assert.Contains("llama3.1-8b", error);
            Assert.Equal(0, await page.EvaluateExpressionAsync<int>("document.querySelectorAll('#charts img').length"));

            // A pasted config.json becomes the scenario's inline model and is costed as such.
            await page.ClickAsync("#paste summary");
            await page.TypeAsync("#config", """{"model_type": "llama", "hidden_size": 4096, "intermediate_size": 14336, "num_hidden_layers": 32, "num_attention_heads": 32, "num_key_value_heads": 8, "vocab_size": 128256}""");
            await page.ClickAsync("#use-config");
            Assert.Contains("\"hidden_size\": 4096", await Value(page, "#scenario"));
            await page.ClickAsync("#run-estimate");
            await page.WaitForFunctionAsync("() => document.getElementById('status').textContent === 'estimate done.'");
            var metrics = await page.EvaluateFunctionAsync<string[][]>("""
                () => {
                  const t = [...document.querySelectorAll('#items table')].find(t => t.rows[0].cells[0].textContent === 'metric');
                  return t ? [...t.rows].map(r => [...r.cells].map(c => c.textContent)) : [];
                }
                """);
            Assert.Contains(metrics, row => row[0] == "model" && row[1] == "inline model");
        }
        finally
        {
            await host.StopAsync();
            profile.Delete(recursive: true);
        }
    }

    static Task<string> Value(IPage page, string selector) => page.EvaluateFunctionAsync<string>("s => document.querySelector(s).value", selector);
}
