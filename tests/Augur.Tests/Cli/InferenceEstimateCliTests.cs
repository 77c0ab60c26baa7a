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
        // Aggregated TPOT = (499 decode steps + the 63 other sequences' prefills) / 499 tokens after the first. A prefill iteration
        // runs ⌊8192 / 2000⌋ = 4 prompts on each of the 32 attention groups: 128 prompts.
        double prefillPerPrompt = doc.GetProperty("phases").GetProperty("prefill_iteration").GetProperty("time_s").GetDouble() / 128;
        double expected = (499 * decode.GetProperty("time_s").GetDouble() + 63 * prefillPerPrompt) / 499;
        Assert.Equal(expected, doc.GetProperty("tpot_s").GetDouble(), 6);
        // 64 sequences over 32 attention groups of 2 at average context 2000 + 500/2 = 2250 tokens, 70,272 B each (MLA, BF16).
        Assert.Equal(2 * 2250 * 70_272.0, decode.GetProperty("kv_bytes_read").GetDouble(), 1.0);
        foreach (var part in new[] { "compute_s", "tp_comm_s", "ep_comm_s", "pp_comm_s", "overhead_s", "flops", "weight_bytes_read" })
            Assert.True(decode.GetProperty(part).GetDouble() >= 0, part);
    }
}
