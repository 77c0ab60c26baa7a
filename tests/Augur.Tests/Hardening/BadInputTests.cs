using System.Text.Json;
using Augur.Tests.Cli;

namespace Augur.Tests.Hardening;

/// <summary>
/// Each class of input that once crashed Augur, hung it, or printed impossible numbers with exit 0 (issue 11):
/// now one <c>augur:</c> line naming the problem and exit code 2, or an honest answer.
/// </summary>
public class BadInputTests
{
    static string File(string name) => Scenarios.Repo("tests/Augur.Tests/Hardening/bad-inputs/" + name);

    /// <summary>Exactly one line on stderr, nothing on stdout, exit code 2; returns the line.</summary>
    internal static string Refused(params string[] args)
    {
        var (code, output, err) = CliTests.Run(args);
        Assert.Equal(2, code);
        Assert.Equal("", output);
        string[] lines = err.TrimEnd('\n').Split('\n');
        Assert.Single(lines);
        Assert.StartsWith("augur: ", lines[0]);
        return lines[0];
    }

    [Theory]
    // 1. Reader crashes: keys that are lists, duplicate JSON keys, wrong node kinds, scanner errors, deep nesting.
    [InlineData("m1.yaml", "a key must be plain text, not a list or a mapping")]
    [InlineData("r01_complex_key.yaml", "line 4, column 3: a key must be plain text")]
    [InlineData("m2.json", "key 'a' appears twice")]
    [InlineData("r02_json_dupkey.json", "key 'workload' appears twice")]
    [InlineData("dup_training.json", "key 'training' appears twice")]
    [InlineData("m3.yaml", "model: expected a name or text, got a list")]
    [InlineData("r03_model_list.yaml", "model: expected a name or text, got a list")]
    [InlineData("r09_min.yaml", "r09_min.yaml line 1, column 3: malformed YAML (the parser gave up after this point)")]
    [InlineData("r09_yaml_ioe.yaml", "malformed YAML")]
    [InlineData("y0.yaml", "malformed YAML")]
    [InlineData("ymin.yaml", "malformed YAML")]
    [InlineData("r04_deep_nest.yaml", "nested deeper than 64 levels")]
    [InlineData("deep20000.yaml", "nested deeper than 64 levels")]
    [InlineData("r14_devzero.yaml", "/dev/zero: larger than 16 MiB")]
    // 2. Alias bombs: 10^6 .. 10^8 values from a few hundred bytes.
    [InlineData("bomb6.yaml", "more than 1,000,000 values once aliases")]
    [InlineData("bomb7.yaml", "more than 1,000,000 values once aliases")]
    [InlineData("bomb8.yaml", "more than 1,000,000 values once aliases")]
    // 3. Degrees whose products overflow 32 bits: 65,536 × 65,536 = 4,294,967,296 = 2^32.
    [InlineData("r05_dp_mb_overflow.yaml", "dp×microbatch = 4294967296 exceeds the global batch of 65536")]
    [InlineData("r10_tp_dpa_overflow.yaml", "tp×pp×dp_attention×dp = 65536×1×65536×1 = 4294967296")]
    [InlineData("r16_tp_cp_overflow.yaml", "tp×pp×dp×cp = 65536×1×1×65536 = 4294967296")]
    [InlineData("r15_wrap.yaml", "parallelism.dp: 536870913 is out of range; use 1 to 1048576")]
    [InlineData("r06_pd_overflow.yaml", "prefill_gpus: 2147483647 is out of range; use 1 to 1048576")]
    // 5. Impossible numbers: bandwidths no link has, budgets no run has.
    [InlineData("so_5e-324.yaml", "scale_out_bandwidth: 4.94066E-324 is out of range; use 0.001 to 1000000")]
    [InlineData("so_1e-310.yaml", "scale_out_bandwidth: 1E-310 is out of range")]
    [InlineData("so_1e-300.yaml", "scale_out_bandwidth: 1E-300 is out of range")]
    [InlineData("so_1e-9.yaml", "scale_out_bandwidth: 1E-09 is out of range")]
    [InlineData("tokens_1e300.yaml", "training.tokens: 1E+300 is out of range; use 1 to 1E+17")]
    // 6. Keys of the other workload.
    [InlineData("r19_mixed.yaml", "an inference scenario has no 'training' section")]
    [InlineData("r20_mixed_train.yaml", "a training scenario has no 'inference' section")]
    // 7. Inline hardware: its own field named, not "missing key 'hardware'".
    [InlineData("inline_hw.yaml", "hardware: unknown key 'peak_tflops'; did you mean 'dense_tflops'?")]
    public void Estimate_refuses_with_one_line(string file, string expected) =>
        Assert.Contains(expected, Refused("estimate", File(file), "--json"));

    [Theory]
    // 3-4. Plans and simulations on more GPUs than any cluster: refused before any loop runs.
    [InlineData("plan", "r07_train_plan_maxgpus.yaml", "cluster.gpus: 2147483647 is out of range; use 1 to 1048576")]
    [InlineData("plan", "r08_inf_plan_maxgpus.yaml", "cluster.gpus: 2147483647 is out of range")]
    [InlineData("simulate", "r11_sim_maxgpus.yaml", "cluster.gpus: 2147483647 is out of range")]
    [InlineData("simulate", "r13_sim_1e7gpus.yaml", "cluster.gpus: 10000000 is out of range")]
    [InlineData("simulate", "r12_sim_decode_overflow.yaml", "decode_gpus: 2147483647 is out of range")]
    // 4. Knowable work: 1,000 requests × 10^6 output tokens = 10^9 tokens, ten times the limit.
    [InlineData("simulate", "r18b.yaml", "output tokens come to 1e+9 tokens to generate, more than the 1e+8")]
    // 5. One output token leaves no pace per user to rank by.
    [InlineData("plan", "r17_out1_plan.yaml", "inference.output_tokens: a plan ranks tokens per second per user")]
    public void Plan_and_simulate_refuse_with_one_line(string command, string file, string expected) =>
        Assert.Contains(expected, Refused(command, File(file), "--json"));

    [Theory]
    [InlineData("NaN", "0.5")]
    [InlineData("1e25", "NaN")]
    [InlineData("-1", "0.5")]
    public void Budget_refuses_non_numbers(string flops, string utilization) =>
        Assert.Contains("--flops must be positive", Refused("budget", "--flops", flops, "--hardware", "b300", "--utilization", utilization));

    [Fact]
    public void Budget_refuses_an_infinite_budget() =>
        Assert.Contains("--flops: Infinity is out of range", Refused("budget", "--flops", "1e400", "--hardware", "b300"));

    [Fact]
    public void A_plan_fixing_recompute_modules_the_model_lacks_names_them_not_a_degree()
    {
        // The plan's probe fills the open degrees with defaults; the model's own misfit comes first.
        string dense = CliTests.Temp("workload: training\nmodel: llama3.1-8b\nhardware: dgx-h100\ncluster: {gpus: 64}\n"
                                     + "parallelism: {recompute: [moe_act]}\ntraining: {seq_len: 8192, global_batch: 96}\n");
        Assert.Contains("need a mixture-of-experts model", Refused("plan", dense));
    }

    [Fact]
    public void A_ranking_longer_than_any_reader_needs_is_refused() =>
        Assert.Contains("--top must be 1 to 1000, got 2147483647", Refused("plan", Scenarios.Repo("samples/llama3-405b-plan.yaml"), "--top", "2147483647"));

    [Fact]
    public void An_unknown_command_is_named_with_a_suggestion()
    {
        Assert.Contains("unknown command 'frobnicate'", Refused("frobnicate"));
        Assert.Contains("did you mean 'estimate'?", Refused("estimat"));
    }

    [Fact]
    public void A_directory_is_called_a_directory()
    {
        string dir = Directory.CreateTempSubdirectory().FullName;
        Assert.Contains("is a directory", Refused("estimate", dir));
        string trace = CliTests.Temp("workload: inference\nmodel: llama3.1-8b\nhardware: h100-sxm\ninference: {input_tokens: 100, output_tokens: 10}\n"
                                     + $"simulation: {{trace: '{dir}'}}\n");
        Assert.Contains("simulation.trace: '", Refused("simulate", trace));
    }

    [Fact]
    public void Out_of_range_counts_are_called_out_of_range_not_fractions()
    {
        string line = Refused("estimate", CliTests.Temp("workload: training\nmodel: llama3.1-8b\nhardware: h100-sxm\ncluster: {gpus: 1e12}\ntraining: {seq_len: 4096, global_batch: 64}\n"));
        Assert.Contains("cluster.gpus: 1000000000000 is out of range", line);
        Assert.DoesNotContain("whole number", line);
    }

    [Fact]
    public void An_incomplete_catalog_entry_is_named_only_when_its_figure_is_needed()
    {
        // tpu-v4-pod has no published per-chip scale-out figure; 8,192 chips span two 4,096-chip pods and need one.
        string line = Refused("estimate", CliTests.Temp("workload: inference\nmodel: llama3.1-8b\nhardware: tpu-v4\ncluster: {gpus: 8192}\ninference: {input_tokens: 2000, output_tokens: 300}\n"));
        Assert.Contains("the catalog entry 'tpu-v4-pod' is incomplete", line);
        Assert.Contains("set cluster.scale_out_bandwidth", line);
        // Inside one pod the scale-out network is unused: the estimate runs.
        var (code, _, _) = CliTests.Run("estimate", CliTests.Temp("workload: inference\nmodel: llama3.1-8b\nhardware: tpu-v4\ncluster: {gpus: 8}\ninference: {input_tokens: 2000, output_tokens: 300}\n"), "--json");
        Assert.Equal(0, code);
    }

    [Fact]
    public void The_tpu_v6e_pod_has_its_documented_scale_out_bandwidth()
    {
        // docs.cloud.google.com/tpu/docs/v6e: 4 × 200 Gbps NICs per 8-chip host = 100 Gb/s = 12.5 GB/s per chip.
        var s = Scenarios.FromYaml("workload: inference\nmodel: llama3.1-8b\nhardware: tpu-v6e\ncluster: {gpus: 512}\ninference: {input_tokens: 2000, output_tokens: 300}\n");
        Assert.Equal(12.5, s.Cluster.ScaleOutPerGpu.GBps, 9);
    }

    [Theory]
    [InlineData("workload: inference\nmodel: llama3.1-8b\nhardware: h100-sxm\nparallelism: {tp: 1, zero: 1}\ninference: {input_tokens: 100, output_tokens: 10}\n", "parallelism.zero: only training uses it")]
    [InlineData("workload: inference\nmodel: llama3.1-8b\nhardware: h100-sxm\nparallelism: {recompute: full}\ninference: {input_tokens: 100, output_tokens: 10}\n", "parallelism.recompute: only training uses it")]
    [InlineData("workload: training\nmodel: deepseek-v3\nhardware: h100-sxm\nparallelism: {dp_attention: 8}\ntraining: {seq_len: 4096, global_batch: 64}\n", "parallelism.dp_attention: only inference uses it")]
    [InlineData("workload: inference\nmodel: llama3.1-8b\nhardware: h100-sxm\nobjective: step_time\ninference: {input_tokens: 100, output_tokens: 10}\n", "objective: 'step_time' is for training; an inference scenario ranks by throughput")]
    [InlineData("workload: training\nmodel: llama3.1-8b\nhardware: h100-sxm\nrun: {pue: 1e300}\ntraining: {seq_len: 4096, global_batch: 64, tokens: 1e12}\n", "run.pue: 1E+300 is out of range; use 1 to 5")]
    [InlineData("workload: training\nmodel: {hidden_size: 4096, num_hidden_layers: 32, num_attention_heads: 32, intermediate_size: 14336, vocab_size: 128256, num_local_experts: 2147483647, num_experts_per_tok: 2}\nhardware: h100-sxm\ntraining: {seq_len: 4096, global_batch: 64}\n", "num_local_experts: 2147483647 is out of range; use 0 to 65536")]
    [InlineData("workload: training\nmodel: {hidden_size: 4096, num_hidden_layers: 32, num_attention_heads: 32, head_dim: 2147483647, intermediate_size: 14336, vocab_size: 128256}\nhardware: h100-sxm\ntraining: {seq_len: 4096, global_batch: 64}\n", "head_dim: 2147483647 is out of range")]
    [InlineData("workload: inference\nmodel: llama3.1-8b\nhardware: h100-sxm\ninference: {input_tokens: 100, output_tokens: 10}\nsimulation: {seed: -1}\n", "simulation.seed: -1 is out of range; use 0 to 2147483647")]
    [InlineData("workload: training\nmodel: llama3.1-8b\nhardware: {base: b300, hbm_tb_s: 5e-324}\ntraining: {seq_len: 4096, global_batch: 64}\n", "hardware.hbm_tb_s: 4.94066E-324 is out of range; use 0.001 to 10000")]
    public void Keys_and_sizes_that_do_not_belong_are_refused(string yaml, string expected) =>
        Assert.Contains(expected, Refused("estimate", CliTests.Temp(yaml)));

    [Fact]
    public void Duplicate_keys_in_an_inline_model_or_a_config_json_are_refused()
    {
        string dir = Directory.CreateTempSubdirectory().FullName;
        System.IO.File.WriteAllText(Path.Combine(dir, "config.json"), "{\"hidden_size\": 4096, \"hidden_size\": 8192}");
        System.IO.File.WriteAllText(Path.Combine(dir, "s.yaml"), "workload: training\nmodel: config.json\nhardware: h100-sxm\ntraining: {seq_len: 4096, global_batch: 64}\n");
        Assert.Contains("key 'hidden_size' appears twice", Refused("estimate", Path.Combine(dir, "s.yaml")));
        Assert.Contains("key 'hidden_size' appears twice", Refused("estimate", CliTests.Temp(
            "workload: training\nmodel: {hidden_size: 4096, hidden_size: 8192}\nhardware: h100-sxm\ntraining: {seq_len: 4096, global_batch: 64}\n")));
    }

    [Fact]
    public void A_trace_token_below_one_is_out_of_range_not_a_fraction()
    {
        string dir = Directory.CreateTempSubdirectory().FullName;
        System.IO.File.WriteAllText(Path.Combine(dir, "t.csv"), "arrival_s,input_tokens,output_tokens\n0,-5,10\n");
        System.IO.File.WriteAllText(Path.Combine(dir, "s.yaml"), "workload: inference\nmodel: llama3.1-8b\nhardware: h100-sxm\ninference: {input_tokens: 100, output_tokens: 10}\nsimulation: {trace: t.csv}\n");
        Assert.Contains("input_tokens '-5' is out of range; use 1 to 100,000,000", Refused("simulate", Path.Combine(dir, "s.yaml")));
    }

    [Fact]
    public void A_plan_with_no_layout_says_what_blocked_it_and_exits_2()
    {
        // 405B in BF16 is 810 GB of weights alone: no split of 8 × 80 GB holds it with optimizer state.
        string memory = Refused("plan", CliTests.Temp("workload: training\nmodel: llama3.1-405b\nhardware: h100-sxm\ncluster: {gpus: 8}\ntraining: {seq_len: 4096, global_batch: 64}\n"));
        Assert.Contains("fits in memory: the smallest of the", memory);
        // tp 2, pp 1 and cp 1 fixed on 8 GPUs leave dp = 8 / 2 = 4, which does not divide a global batch of 7.
        string batch = Refused("plan", CliTests.Temp("workload: training\nmodel: llama3.1-8b\nhardware: h100-sxm\ncluster: {gpus: 8}\nparallelism: {tp: 2, pp: 1, cp: 1}\ntraining: {seq_len: 4096, global_batch: 7}\n"));
        Assert.Contains("global batch 7 is not a multiple of dp×micro-batch = 4", batch);
    }

    [Fact]
    public void A_limit_list_is_never_empty_in_a_message()
    {
        // 1,000,000 sequences of 100k tokens fit no replica; with no TTFT/TPOT limits the message names concurrency.
        string line = Refused("plan", CliTests.Temp("workload: inference\nmodel: llama3.1-8b\nhardware: h100-sxm\ncluster: {gpus: 8}\ninference: {input_tokens: 100000, output_tokens: 100, concurrency: 1000000}\n"));
        Assert.DoesNotContain("meets ;", line);
    }

    [Fact]
    public void A_concurrency_the_state_pool_cannot_hold_says_so_without_a_negative_shortfall()
    {
        // SGLang splits the memory left into KV cache and Gated DeltaNet state slots (5 a running request), so the
        // state pool fills before the memory total does: the line names the pools' limit, never "short by -x GiB".
        string scenario = CliTests.Temp("workload: inference\nmodel: qwen3.5-27b\nhardware: hgx-h200\ncluster: {gpus: 1}\nprecision: bf16\n"
            + "parallelism: {tp: 1}\ninference: {input_tokens: 155, output_tokens: 4585, concurrency: 39, engine: sglang, memory_fraction: 0.8}\n");
        var (_, json, _) = CliTests.Run("estimate", scenario, "--json");
        var doc = JsonDocument.Parse(json).RootElement;
        int most = doc.GetProperty("max_concurrency").GetInt32();
        Assert.False(doc.GetProperty("fits").GetBoolean());
        Assert.True(most < 39);
        Assert.Equal(0, doc.GetProperty("shortfall_gib_per_gpu").GetDouble());
        var (code, output, _) = CliTests.Run("estimate", scenario);
        Assert.Equal(0, code);
        Assert.StartsWith($"DOES NOT FIT: 39 sequences per replica, but the engine's KV cache and state pools hold {most}", output.TrimStart());
        Assert.DoesNotContain("short by -", output);
    }

    [Fact]
    public void An_estimate_that_does_not_fit_gives_no_throughput_cost_or_energy()
    {
        // Llama 3.1 70B in BF16 is 141 GB of weights; 8 TPU v6e chips hold 8 × 32 GB = 256 GB, but at tp 1 one chip
        // holds all 141 GB: it cannot run.
        var (code, output, _) = CliTests.Run("estimate", File("tpu_default.yaml"), "--json");
        Assert.Equal(0, code);
        var doc = JsonDocument.Parse(output).RootElement;
        Assert.False(doc.GetProperty("fits").GetBoolean());
        foreach (var key in new[] { "output_tokens_per_s", "output_tokens_per_s_per_gpu", "usd_per_million_output_tokens", "joules_per_output_token" })
            Assert.Equal(JsonValueKind.Null, doc.GetProperty(key).ValueKind);
        Assert.True(doc.GetProperty("shortfall_gib_per_gpu").GetDouble() > 100);

        var (tcode, toutput, _) = CliTests.Run("estimate", CliTests.Temp("workload: training\nmodel: llama3.1-70b\nhardware: h100-sxm\ncluster: {gpus: 8}\nparallelism: {tp: 1, zero: 0}\ntraining: {seq_len: 4096, global_batch: 64, tokens: 1e12}\n"));
        Assert.Equal(0, tcode);
        Assert.StartsWith("DOES NOT FIT: needs", toutput.TrimStart());
        Assert.DoesNotContain("MWh", toutput);
        var (_, tjson, _) = CliTests.Run("estimate", CliTests.Temp("workload: training\nmodel: llama3.1-70b\nhardware: h100-sxm\ncluster: {gpus: 8}\nparallelism: {tp: 1, zero: 0}\ntraining: {seq_len: 4096, global_batch: 64, tokens: 1e12}\n"), "--json");
        var t = JsonDocument.Parse(tjson).RootElement;
        Assert.Equal(JsonValueKind.Null, t.GetProperty("tokens_per_s_per_gpu").ValueKind);
        Assert.False(t.TryGetProperty("cost_usd", out _));
        Assert.True(t.GetProperty("shortfall_gib_per_gpu").GetDouble() > 0);
    }
}
