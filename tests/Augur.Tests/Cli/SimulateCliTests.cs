using System.Text.Json;
using static Augur.Tests.Cli.CliTests;

namespace Augur.Tests.Cli;

public class SimulateCliTests
{
    const string Head = "workload: inference\nmodel: llama3.1-70b\nhardware: h100-sxm\ncluster: {gpus: 8}\nprecision: fp8\nparallelism: {tp: 4}\n"
                        + "inference: {input_tokens: 2000, output_tokens: 400}\n";

    static JsonElement Json(string file)
    {
        var (code, output, err) = Run("simulate", file, "--json");
        Assert.True(code == 0, err);
        return JsonDocument.Parse(output).RootElement;
    }

    [Fact]
    public void Sample_json_has_the_documented_keys_and_offers_90_percent_of_the_estimate()
    {
        var doc = Json(Scenarios.Repo("samples/llama3-70b-simulate.yaml"));
        foreach (var key in new[] { "ttft_s", "tpot_s", "e2e_s", "output_tokens_per_s", "output_tokens_per_s_per_gpu", "requests_per_s", "goodput_requests_per_s",
                     "slo_attainment", "preemptions", "iterations", "makespan_s", "queued_requests", "kv_cache_used", "steady_state", "series" })
            Assert.True(doc.TryGetProperty(key, out _), key);
        foreach (var p in new[] { "p50", "p90", "p99" }) Assert.True(doc.GetProperty("ttft_s").GetProperty(p).GetDouble() > 0, p);
        Assert.Equal(2000, doc.GetProperty("requests").GetInt32());
        Assert.Equal(8, doc.GetProperty("gpus").GetInt32());
        Assert.Equal(2, doc.GetProperty("replicas").GetInt32());
        Assert.Equal(JsonValueKind.Null, doc.GetProperty("decode_replicas").ValueKind);
        double steady = doc.GetProperty("steady_state").GetProperty("requests_per_s").GetDouble();
        Assert.Equal(0.9 * steady, doc.GetProperty("rate_per_s").GetDouble(), 0.9 * steady * 1e-5);
        // Per GPU is the total over the 8 GPUs.
        Assert.Equal(doc.GetProperty("output_tokens_per_s").GetDouble() / 8, doc.GetProperty("output_tokens_per_s_per_gpu").GetDouble(), 0.01);
    }

    [Fact]
    public void Trace_sample_serves_every_token_of_the_trace()
    {
        var doc = Json(Scenarios.Repo("samples/llama3-70b-trace.yaml"));
        Assert.Equal(12, doc.GetProperty("requests").GetInt32());
        Assert.Equal("trace", doc.GetProperty("arrival").GetString());
        Assert.Equal(JsonValueKind.Null, doc.GetProperty("rate_per_s").ValueKind);
        // The longest request (900 output tokens) needs its prefill and 899 decode iterations on its replica; all 12
        // together need at most one prefill iteration each (every prompt fits one 8,192-token chunk) plus one
        // iteration per later token: 12 + (4550 − 12) = 4550.
        long iterations = doc.GetProperty("iterations").GetInt64();
        Assert.InRange(iterations, 900, 4550);
        Assert.True(doc.GetProperty("makespan_s").GetDouble() > 2.15); // the last arrival
        Assert.Equal(0, doc.GetProperty("preemptions").GetInt32());
    }

    [Fact]
    public void Tables_show_simulated_beside_steady_state()
    {
        var (code, output, _) = Run("simulate", Scenarios.Repo("samples/llama3-70b-simulate.yaml"));
        Assert.Equal(0, code);
        Assert.Contains("steady-state", output);
        Assert.Contains("2000 requests, poisson arrivals", output);
        Assert.Contains("KV used", output);
    }

    [Fact]
    public void Same_seed_gives_identical_json_and_another_seed_does_not()
    {
        string a = Temp(Head + "simulation: {requests: 300, arrival: gamma, cv: 3, rate_per_s: 10, seed: 7}\n");
        string b = Temp(Head + "simulation: {requests: 300, arrival: gamma, cv: 3, rate_per_s: 10, seed: 7}\n");
        string c = Temp(Head + "simulation: {requests: 300, arrival: gamma, cv: 3, rate_per_s: 10, seed: 8}\n");
        string ja = Run("simulate", a, "--json").Out;
        Assert.Equal(ja, Run("simulate", b, "--json").Out);
        Assert.NotEqual(ja, Run("simulate", c, "--json").Out);
    }

    [Fact]
    public void Malformed_trace_row_names_the_file_and_line()
    {
        string yaml = Temp(Head + "simulation: {trace: t.csv}\n");
        File.WriteAllText(Path.Combine(Path.GetDirectoryName(yaml)!, "t.csv"), "arrival_s,input_tokens,output_tokens\n0.0,100,10\n0.5,abc,10\n");
        var (code, _, err) = Run("simulate", yaml);
        Assert.Equal(2, code);
        Assert.Equal("augur: simulation.trace: t.csv line 3: input_tokens 'abc' is not a whole number", err.Trim());
    }

    [Fact]
    public void A_trace_with_no_rows_is_bad_input()
    {
        string yaml = Temp(Head + "simulation: {trace: t.csv}\n");
        File.WriteAllText(Path.Combine(Path.GetDirectoryName(yaml)!, "t.csv"), "arrival_s,input_tokens,output_tokens\n");
        var (code, _, err) = Run("simulate", yaml);
        Assert.Equal(2, code);
        Assert.StartsWith("augur: simulation.trace: the trace has no requests", err.Trim());
    }

    [Theory]
    [InlineData("simulation: {rate_per_sec: 5}\n", "unknown key 'rate_per_sec'; did you mean 'rate_per_s'?")]
    [InlineData("simulation: {rate_per_s: -1}\n", "simulation.rate_per_s: must be positive, got -1")]
    [InlineData("simulation: {requests: 0}\n", "simulation.requests: must be a positive whole number, got 0")]
    [InlineData("simulation: {arrival: uniform}\n", "unknown arrival process 'uniform'; use poisson, gamma, trace or burst")]
    [InlineData("simulation: {cv: 2}\n", "simulation.cv: only used with arrival: gamma")]
    [InlineData("simulation: {arrival: trace}\n", "simulation.trace: arrival: trace needs a CSV file")]
    [InlineData("simulation: {trace: t.csv, rate_per_s: 3}\n", "simulation.rate_per_s: not used with arrival: trace")]
    [InlineData("simulation: {routing: random}\n", "use round_robin or least_loaded")]
    [InlineData("simulation: {input_spread: 1.5}\n", "simulation.input_spread: must be in [0, 1), got 1.5")]
    [InlineData("simulation: {max_batch: 512, chunk_tokens: 256}\n", "simulation.chunk_tokens: must be at least max_batch (512), got 256")]
    [InlineData("simulation: {trace: missing.csv}\n", "simulation.trace: file")]
    [InlineData("simulation: {input_spread: 0.2}\n", "simulation.input_spread and inference.input_tokens_cv both describe how input lengths vary; keep one", "input_tokens_cv: 1")]
    [InlineData("", "inference.input_tokens_cv: must be in [0, 4]", "input_tokens_cv: -0.5")]
    public void Bad_simulation_input_gets_one_line_and_exit_code_2(string section, string expected, string? inferenceExtra = null)
    {
        string head = inferenceExtra is null ? Head : Head.Replace("output_tokens: 400}", "output_tokens: 400, " + inferenceExtra + "}", StringComparison.Ordinal);
        var (code, output, err) = Run("simulate", Temp(head + section));
        Assert.Equal(2, code);
        Assert.Contains(expected, err);
        Assert.Single(err.Trim().Split('\n'));
        Assert.Equal("", output);
    }

    [Fact]
    public void Training_scenarios_cannot_be_simulated()
    {
        var (code, _, err) = Run("simulate", Scenarios.Repo("samples/llama3-405b-pretrain.yaml"));
        Assert.Equal(2, code);
        Assert.Contains("simulate needs an inference or rl scenario", err);
    }

    [Fact]
    public void A_layout_without_kv_room_is_refused_before_simulating()
    {
        // DeepSeek-V3 FP8 over one 8-GPU H800 server: 1/8 of 671 B weights is more than the 72 GB usable.
        string yaml = "workload: inference\nmodel: deepseek-v3\nhardware: h800\ncluster: {gpus: 8}\nprecision: fp8\n"
                      + "parallelism: {tp: 1, ep: 8, dp_attention: 8}\ninference: {input_tokens: 2000, output_tokens: 500}\n";
        var (code, _, err) = Run("simulate", Temp(yaml));
        Assert.Equal(2, code);
        Assert.Contains("leaves no KV-cache room for one 2500-token sequence on h800", err);
        Assert.Single(err.Trim().Split('\n'));
    }

    [Fact]
    public void A_concurrency_that_does_not_fit_is_refused_before_simulating()
    {
        var (code, _, err) = Run("simulate", Temp(Head.Replace("output_tokens: 400}", "output_tokens: 400, concurrency: 100000}")));
        Assert.Equal(2, code);
        Assert.Contains("inference.concurrency: 100000 sequences per replica do not fit", err);
        Assert.Contains("lower it to at most", err);
    }
}
