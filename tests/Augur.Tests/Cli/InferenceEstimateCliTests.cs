using System.Text.Json;
using Augur.Cli;

namespace Augur.Tests.Cli;

public class InferenceEstimateCliTests
{
    [Fact]
    public void Estimate_json_has_the_keys_the_serving_issue_lists_and_the_phase_breakdown()
    {
        var o = new StringWriter();
        int code = AugurCli.Run(["estimate", Scenarios.Repo("samples/deepseek-v3-serving.yaml"), "--json"], o, new StringWriter());
        Assert.Equal(0, code);
        var doc = JsonDocument.Parse(o.ToString()).RootElement;
        foreach (var key in new[] { "ttft_s", "tpot_s", "output_tokens_per_s", "output_tokens_per_s_per_gpu", "input_tokens_per_s_per_gpu",
                     "max_concurrency", "memory_gib_per_gpu", "fits", "bound", "usd_per_million_output_tokens", "phases" })
            Assert.True(doc.TryGetProperty(key, out _), key);
        Assert.Equal(64, doc.GetProperty("concurrency").GetInt32());
        var decode = doc.GetProperty("phases").GetProperty("decode_step");
        // Aggregated TPOT = a decode step plus the stalls of the prompts replacing the 63 other sequences: each holds
        // its place for 499 decode iterations and its prefill, so 63/500 prompts per step.
        double stall = doc.GetProperty("prefill_seconds_per_prompt").GetDouble();
        double step = decode.GetProperty("time_s").GetDouble();
        Assert.Equal(step + 63.0 / 500 * stall, doc.GetProperty("tpot_s").GetDouble(), 1e-5 * step); // JSON keeps 6 significant digits
        // 64 sequences of 500 tokens replace λ = 64/500 of themselves per step, so an iteration with prompts has
        // k = λ/(1 − e^−λ) = 1.066 of them: each runs alone on one of the 32 attention groups while the other 31
        // wait. Its stall is a whole TTFT (its pass with the others' decode step) less a decode step, shared by
        // k prompts — not 1/32 of a packed prefill iteration.
        double ttft = doc.GetProperty("ttft_s").GetDouble(), lambda = 64.0 / 500;
        double k = lambda / (1 - Math.Exp(-lambda));
        Assert.InRange(stall * k / (ttft - step), 0.97, 1.03);
        // 64 sequences over 32 attention groups of 2 at average context 2000 + 500/2 = 2250 tokens, 70,272 B each (MLA, BF16).
        Assert.Equal(2 * 2250 * 70_272.0, decode.GetProperty("kv_bytes_read").GetDouble(), 1.0);
        foreach (var part in new[] { "compute_s", "tp_comm_s", "ep_comm_s", "pp_comm_s", "overhead_s", "flops", "weight_bytes_read" })
            Assert.True(decode.GetProperty(part).GetDouble() >= 0, part);
    }

    [Theory]
    [InlineData("cluster: {gpus: 8}\nparallelism: {tp: 4}\ninference: {input_tokens: 100, output_tokens: 10, mode: disaggregated, prefill_gpus: 4}", "give prefill_gpus and decode_gpus together")]
    [InlineData("cluster: {gpus: 8}\nparallelism: {tp: 4}\ninference: {input_tokens: 100, output_tokens: 10, mode: disaggregated, prefill_gpus: 8, decode_gpus: 8}", "prefill_gpus + decode_gpus = 8 + 8 = 16 exceeds the 8 GPUs")]
    [InlineData("cluster: {gpus: 8}\nparallelism: {tp: 8}\ninference: {input_tokens: 100, output_tokens: 10, mode: disaggregated}", "needs a prefill and a decode replica, but 8-GPU replicas give 1 on 8 GPUs")]
    [InlineData("cluster: {gpus: 8}\ninference: {input_tokens: 2147483000, output_tokens: 1000}", "input_tokens and output_tokens must be at most 100,000,000 each")]
    public void Impossible_serving_inputs_get_one_line_and_exit_2(string rest, string expected)
    {
        string path = Path.Combine(Directory.CreateTempSubdirectory().FullName, "s.yaml");
        File.WriteAllText(path, "workload: inference\nmodel: llama3.1-70b\nhardware: h100-sxm\nprecision: fp8\n" + rest + "\n");
        var err = new StringWriter();
        int code = AugurCli.Run(["estimate", path], new StringWriter(), err);
        Assert.Equal(2, code);
        Assert.Contains(expected, err.ToString());
        Assert.Single(err.ToString().Trim().Split('\n'));
    }

    [Fact]
    public void An_absurd_fleet_target_is_bad_input_not_an_overflow()
    {
        string path = Path.Combine(Directory.CreateTempSubdirectory().FullName, "s.yaml");
        File.WriteAllText(path, "workload: inference\nmodel: llama3.1-8b\nhardware: h100-sxm\ncluster: {gpus: 8}\nprecision: fp8\n"
                                + "inference: {input_tokens: 1000, output_tokens: 200, target_output_tokens_per_s: 1e16}\n");
        var err = new StringWriter();
        Assert.Equal(2, AugurCli.Run(["plan", path], new StringWriter(), err));
        Assert.Contains("would need about", err.ToString());
    }
}
