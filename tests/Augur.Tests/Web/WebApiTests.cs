using System.Net;
using System.Text;
using System.Text.Json;
using Augur.Tests.Cli;
using Augur.Web;

namespace Augur.Tests.Web;

/// <summary>The JSON API: the CLI's documents for the same scenarios, and one line for everything refused.</summary>
public class WebApiTests : IClassFixture<AugurWebFactory>
{
    readonly HttpClient _client;

    public WebApiTests(AugurWebFactory factory) => _client = factory.CreateClient();

    static StringContent Text(string body) => new(body, Encoding.UTF8, "text/plain");

    static string Sample(string name) => File.ReadAllText(Scenarios.Repo($"samples/{name}"));

    async Task<(HttpStatusCode Code, string Body, string? Type)> Post(string path, string body)
    {
        var r = await _client.PostAsync(path, Text(body));
        return (r.StatusCode, await r.Content.ReadAsStringAsync(), r.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("estimate", "llama3-405b-pretrain.yaml")]
    [InlineData("estimate", "llama3-70b-serving-plan.yaml")]
    [InlineData("simulate", "llama3-70b-simulate.yaml")]
    public async Task A_command_answers_with_the_document_the_cli_prints_with_json(string command, string sample)
    {
        var (code, body, type) = await Post($"/api/{command}", Sample(sample));
        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal("application/json", type);
        var cli = CliTests.Run(command, Scenarios.Repo($"samples/{sample}"), "--json");
        Assert.Equal(0, cli.Code);
        Assert.Equal(cli.Out, body);
    }

    [Fact]
    public async Task Plan_answers_as_the_cli_does_but_for_the_time_its_search_took()
    {
        var (code, body, _) = await Post("/api/plan?top=3", Sample("llama3-405b-plan.yaml"));
        Assert.Equal(HttpStatusCode.OK, code);
        var cli = CliTests.Run("plan", Scenarios.Repo("samples/llama3-405b-plan.yaml"), "--json", "--top", "3");
        static string Untimed(string doc) => string.Join("\n", doc.Split('\n').Where(l => !l.Contains("\"search_seconds\"")));
        Assert.Equal(Untimed(cli.Out), Untimed(body));
        Assert.Equal(3, JsonDocument.Parse(body).RootElement.GetProperty("ranked").GetArrayLength());
    }

    [Fact]
    public async Task The_page_view_carries_the_tables_and_the_chart_of_a_plan()
    {
        var (code, body, _) = await Post("/api/plan/view", Sample("llama3-405b-plan.yaml"));
        Assert.Equal(HttpStatusCode.OK, code);
        var view = JsonDocument.Parse(body).RootElement;
        var ranking = view.GetProperty("items").EnumerateArray().First(i => i.TryGetProperty("table", out _)).GetProperty("table");
        var header = ranking[0].EnumerateArray().Select(c => c.GetString()).ToList();
        Assert.Contains("layout", header);
        // The table shows the default five layouts; each splits the sample's 16,384 GPUs exactly (tp x pp x dp x cp).
        Assert.Equal(1 + 5, ranking.GetArrayLength());
        foreach (var row in ranking.EnumerateArray().Skip(1))
            Assert.Equal(16384, Degrees(row[header.IndexOf("layout")].GetString()!));
        var charts = view.GetProperty("charts");
        Assert.Equal(1, charts.GetArrayLength());
        string svg = charts[0].GetProperty("svg").GetString()!;
        Assert.Contains("<svg", svg);
        Assert.Contains("Ranked training layouts", svg);
        Assert.Equal(5, view.GetProperty("json").GetProperty("ranked").GetArrayLength());
    }

    [Fact]
    public async Task An_rl_simulation_answers_as_the_cli_does_with_its_tables_and_no_chart()
    {
        // The RL sample cut to 32 prompts x 16 samples = 512 rollout sequences, each served by the simulator.
        string scenario = Sample("qwen3-32b-grpo-rl.yaml").Replace("prompts_per_step: 512", "prompts_per_step: 32");
        Assert.Contains("prompts_per_step: 32", scenario);
        var cli = CliTests.Run("simulate", CliTests.Temp(scenario), "--json");
        Assert.Equal(0, cli.Code);
        var (code, body, _) = await Post("/api/simulate", scenario);
        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal(cli.Out, body);
        Assert.Equal("rl", JsonDocument.Parse(body).RootElement.GetProperty("workload").GetString());
        var (viewCode, viewBody, _) = await Post("/api/simulate/view", scenario);
        Assert.Equal(HttpStatusCode.OK, viewCode);
        var view = JsonDocument.Parse(viewBody).RootElement;
        Assert.Contains(view.GetProperty("items").EnumerateArray(), i => i.TryGetProperty("table", out _));
        Assert.Equal(0, view.GetProperty("charts").GetArrayLength());
    }

    /// <summary>tp × pp × dp × cp of a layout as the tables write it (tp2 pp16 vp6 dp64 cp8 ...).</summary>
    internal static long Degrees(string layout) => layout.Split(' ')
        .Where(w => w.Length > 2 && w[..2] is "tp" or "pp" or "dp" or "cp" && char.IsDigit(w[2]))
        .Aggregate(1L, (product, w) => product * long.Parse(w[2..], System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public async Task A_pasted_config_json_costs_as_the_catalog_entry_it_copies()
    {
        // The Llama 3.1 8B config.json fields (catalog/models/llama3.1-8b.yaml), pasted inline: the same model, so the
        // same estimate; only the model's name differs.
        const string config = """{"model_type": "llama", "hidden_size": 4096, "intermediate_size": 14336, "num_hidden_layers": 32, "num_attention_heads": 32, "num_key_value_heads": 8, "head_dim": 128, "vocab_size": 128256, "hidden_act": "silu", "tie_word_embeddings": false, "max_position_embeddings": 131072, "rope_theta": 500000.0, "rope_scaling": {"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0, "original_max_position_embeddings": 8192}, "rms_norm_eps": 0.00001, "attention_bias": false, "mlp_bias": false}""";
        const string rest = "hardware: h100-sxm\ncluster: {gpus: 64}\ntraining: {seq_len: 8192, global_batch: 512}\n";
        var named = await Post("/api/estimate", "workload: training\nmodel: llama3.1-8b\n" + rest);
        var pasted = await Post("/api/estimate", $"workload: training\nmodel: {config}\n" + rest);
        Assert.Equal(HttpStatusCode.OK, pasted.Code);
        Assert.Equal(named.Body.Replace("\"model\": \"llama3.1-8b\"", "\"model\": \"inline model\""), pasted.Body);
    }

    [Fact]
    public async Task The_catalog_is_the_one_the_cli_lists()
    {
        string body = await _client.GetStringAsync("/api/catalog");
        Assert.Equal(CliTests.Run("catalog", "list", "--json").Out, body);
        var h100 = JsonDocument.Parse(await _client.GetStringAsync("/api/catalog/h100-sxm")).RootElement;
        Assert.Equal(85.899, h100.GetProperty("hbm_gb").GetDouble()); // H100 SXM5 80GB: 80 GiB
        var unknown = await _client.GetAsync("/api/catalog/lama3.1-8b");
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("llama3.1-8b", await unknown.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("workload: training\nmodel: /etc/passwd\nhardware: h100-sxm\ncluster: {gpus: 8}\ntraining: {seq_len: 4096, global_batch: 64}\n", "no file is read")]
    [InlineData("workload: training\nmodel: config.json\nhardware: h100-sxm\ncluster: {gpus: 8}\ntraining: {seq_len: 4096, global_batch: 64}\n", "no file is read")]
    [InlineData("workload: training\nmodel: lama3.1-8b\nhardware: h100-sxm\ncluster: {gpus: 8}\ntraining: {seq_len: 4096, global_batch: 64}\n", "llama3.1-8b")]
    [InlineData("workload: inference\nmodel: llama3.1-8b\nhardware: h100-sxm\ncluster: {gpus: 8}\ninference: {input_tokens: 100, output_tokens: 10}\nsimulation: {arrival: trace, trace: /etc/hostname}\n", "no file is read")]
    [InlineData("workload: training\nmodel: [", "scenario.yaml")]
    public async Task Bad_input_is_400_with_one_line_saying_what_to_change(string scenario, string said)
    {
        foreach (var command in new[] { "estimate", "plan", "simulate" })
        {
            var (code, body, type) = await Post($"/api/{command}", scenario);
            Assert.Equal(HttpStatusCode.BadRequest, code);
            Assert.Equal("text/plain", type);
            Assert.StartsWith("augur: ", body);
            Assert.Equal(body.Length - 1, body.IndexOf('\n'));
            Assert.Contains(said, body);
        }
    }

    [Fact]
    public async Task A_bad_top_is_400()
    {
        var (code, body, _) = await Post("/api/plan?top=0", Sample("llama3-405b-plan.yaml"));
        Assert.Equal(HttpStatusCode.BadRequest, code);
        Assert.Equal("augur: top must be 1 to 1000, got 0\n", body);
    }

    [Fact]
    public async Task A_request_for_another_host_name_is_refused()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/catalog");
        request.Headers.Host = "attacker.example";
        var r = await _client.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        Assert.Contains("is not this machine", await r.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_page_and_its_script_come_from_the_assembly()
    {
        var page = await _client.GetAsync("/");
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<textarea id=\"scenario\"", await page.Content.ReadAsStringAsync());
        Assert.Contains("default-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single());
        var script = await _client.GetAsync("/app.js");
        Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
        Assert.Contains("/api/", await script.Content.ReadAsStringAsync());
    }
}

/// <summary>The limits, on a server of their own so they can be made small.</summary>
public class WebLimitTests
{
    [Fact]
    public async Task A_body_over_the_limit_is_413_whether_or_not_its_length_is_announced()
    {
        using var factory = new AugurWebFactory { Limits = new WebLimits { MaxBodyBytes = 100 } };
        var client = factory.CreateClient();
        string body = "workload: training\n" + new string('#', 100) + "\n";
        var announced = await client.PostAsync("/api/estimate", new StringContent(body));
        var streamed = await client.PostAsync("/api/estimate", new StreamContent(new UnseekableStream(Encoding.UTF8.GetBytes(body))));
        foreach (var r in new[] { announced, streamed })
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, r.StatusCode);
            Assert.Equal("augur: the request body is over the 100-byte limit; send a scenario (with any config.json inline) of at most that size\n", await r.Content.ReadAsStringAsync());
        }
        var fits = await client.PostAsync("/api/estimate", new StringContent("workload: training\n"));
        Assert.Equal(HttpStatusCode.BadRequest, fits.StatusCode); // read, then refused for what it lacks
    }

    [Fact]
    public async Task An_answer_past_the_time_limit_is_503()
    {
        // 200,000 simulated requests (80 million generated tokens, near the most a scenario may ask) against a
        // millisecond: the limit passes first. The work reads the clock at each progress report and once more before
        // answering, so a loaded machine whose thread pool runs the limit's timer late cannot turn this into a 200.
        using var factory = new AugurWebFactory { Limits = new WebLimits { TimeLimit = TimeSpan.FromMilliseconds(1) } };
        string scenario = File.ReadAllText(Scenarios.Repo("samples/llama3-70b-simulate.yaml")).Replace("requests: 2000", "requests: 200000");
        Assert.Contains("requests: 200000", scenario);
        var r = await factory.CreateClient().PostAsync("/api/simulate", new StringContent(scenario));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, r.StatusCode);
        Assert.StartsWith("augur: the answer took longer than the 0.001 s limit and was stopped;", await r.Content.ReadAsStringAsync());
    }

    [Fact]
    public void The_deadline_stops_a_simulation_where_it_reports_progress()
    {
        var s = Scenarios.FromYaml(File.ReadAllText(Scenarios.Repo("samples/llama3-70b-simulate.yaml")));
        var stopped = new Deadline(new CancellationToken(canceled: true));
        Assert.ThrowsAny<OperationCanceledException>(() => Augur.Workflows.SimulateWorkflow.Run(s, Augur.Catalog.Loading.CatalogStore.Default, stopped));
    }

    [Fact]
    public void A_deadline_past_its_limit_stops_a_simulation_though_no_timer_fired()
    {
        var s = Scenarios.FromYaml(File.ReadAllText(Scenarios.Repo("samples/llama3-70b-simulate.yaml")));
        var passed = new Deadline(TimeSpan.Zero, CancellationToken.None);
        Assert.True(passed.Passed);
        Assert.ThrowsAny<OperationCanceledException>(() => Augur.Workflows.SimulateWorkflow.Run(s, Augur.Catalog.Loading.CatalogStore.Default, passed));
        Assert.False(new Deadline(TimeSpan.FromDays(1), CancellationToken.None).Passed);
    }

    /// <summary>A body whose length is not known up front, so it is sent in chunks.</summary>
    sealed class UnseekableStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}

/// <summary>augur serve's own checks, before any page is served.</summary>
public class ServeCommandTests
{
    [Fact]
    public void A_port_out_of_range_is_bad_input()
    {
        var (code, _, err) = CliTests.Run("serve", "--port", "70000");
        Assert.Equal(2, code);
        Assert.Equal("augur: --port must be 0 to 65535, got 70000", err.Trim());
    }

    [Fact]
    public void A_port_in_use_is_bad_input_that_says_what_to_do()
    {
        var taken = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        try
        {
            int port = ((IPEndPoint)taken.LocalEndpoint).Port;
            var (code, _, err) = CliTests.Run("serve", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(2, code);
            Assert.StartsWith($"augur: --port {port}: ", err);
            Assert.Contains("choose another port, or --port 0 for a free one", err);
        }
        finally
        {
            taken.Stop();
        }
    }
}
