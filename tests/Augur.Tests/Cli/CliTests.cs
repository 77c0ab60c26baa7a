using System.Text.Json;
using Augur.Cli;

namespace Augur.Tests.Cli;

public class CliTests
{
    internal static (int Code, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = AugurCli.Run(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    internal static string Temp(string yaml)
    {
        string p = Path.Combine(Directory.CreateTempSubdirectory().FullName, "s.yaml");
        File.WriteAllText(p, yaml);
        return p;
    }

    [Fact]
    public void Estimate_json_has_the_documented_keys()
    {
        var (code, output, _) = Run("estimate", Scenarios.Repo("samples/llama3-405b-pretrain.yaml"), "--json");
        Assert.Equal(0, code);
        var doc = JsonDocument.Parse(output).RootElement;
        foreach (var key in new[] { "step_time_s", "tokens_per_s_per_gpu", "model_tflops_per_gpu", "mfu", "hfu", "memory_gib_per_gpu", "fits", "bottleneck", "breakdown", "time_to_train_s" })
            Assert.True(doc.TryGetProperty(key, out _), key);
        Assert.True(doc.GetProperty("fits").GetBoolean());
        Assert.InRange(doc.GetProperty("mfu").GetDouble(), 0.3, 0.6);
    }

    [Fact]
    public void The_deepseek_pretraining_sample_fits_the_80_gb_it_ran_in()
    {
        // The Megatron-Bridge H100 recipe ran this layout on 80 GB H100s (80 GiB): with its recompute modules and
        // FP8's quantized saved inputs Augur must agree that it fits.
        var (code, output, _) = Run("estimate", Scenarios.Repo("samples/deepseek-v3-pretrain.yaml"), "--json");
        Assert.Equal(0, code);
        var doc = JsonDocument.Parse(output).RootElement;
        Assert.True(doc.GetProperty("fits").GetBoolean());
        Assert.InRange(doc.GetProperty("memory_gib_per_gpu").GetDouble(), 60, 80);
        Assert.Contains("mla_up_proj+mlp", output);
        Assert.Equal("balanced", doc.GetProperty("routing").GetString());
    }

    [Fact]
    public void Plan_json_reports_search_size_and_time()
    {
        var (code, output, _) = Run("plan", Scenarios.Repo("samples/llama3-405b-plan.yaml"), "--json", "--top", "3");
        Assert.Equal(0, code);
        var doc = JsonDocument.Parse(output).RootElement;
        Assert.True(doc.GetProperty("configs_evaluated").GetInt64() > 100);
        Assert.True(doc.GetProperty("search_seconds").GetDouble() >= 0);
        Assert.Equal(3, doc.GetProperty("ranked").GetArrayLength());
    }

    [Fact]
    public void Inference_plan_json_has_ranked_pareto_and_best()
    {
        var (code, output, _) = Run("plan", Scenarios.Repo("samples/llama3-70b-serving-plan.yaml"), "--json", "--top", "3");
        Assert.Equal(0, code);
        var doc = JsonDocument.Parse(output).RootElement;
        Assert.Equal("throughput", doc.GetProperty("objective").GetString());
        foreach (var key in new[] { "configs_enumerated", "pruned_by_memory", "points_evaluated", "points_feasible", "search_seconds", "why", "sizing" })
            Assert.True(doc.TryGetProperty(key, out _), key);
        var ranked = doc.GetProperty("ranked");
        Assert.Equal(3, ranked.GetArrayLength());
        foreach (var r in ranked.EnumerateArray())
        {
            Assert.True(r.GetProperty("tpot_s").GetDouble() <= 0.020);
            Assert.True(r.GetProperty("tokens_per_s_per_user").GetDouble() >= 50);
            foreach (var key in new[] { "output_tokens_per_s_per_gpu", "layout", "mode", "batch", "ttft_s", "usd_per_million_output_tokens", "memory_gib_per_gpu", "bound" })
                Assert.True(r.TryGetProperty(key, out _), key);
        }
        var pareto = doc.GetProperty("pareto").EnumerateArray().ToList();
        Assert.NotEmpty(pareto);
        var users = pareto.Select(p => p.GetProperty("tokens_per_s_per_user").GetDouble()).ToList();
        Assert.Equal(users.Order(), users);
        var best = doc.GetProperty("best");
        Assert.Equal(ranked[0].GetProperty("batch").GetInt32(), best.GetProperty("concurrency").GetInt32());
        Assert.Equal(ranked[0].GetProperty("mode").GetString(), best.GetProperty("mode").GetString());
        Assert.True(best.GetProperty("fits").GetBoolean());
    }

    [Fact]
    public void Inference_plan_table_shows_ranking_front_and_winner()
    {
        var (code, output, _) = Run("plan", Scenarios.Repo("samples/deepseek-v3-plan.yaml"));
        Assert.Equal(0, code);
        Assert.Contains("Pareto front", output);
        Assert.Contains("wins at batch", output);
        Assert.Contains("Winner in full:", output);
        Assert.Contains("TPOT (excludes first token)", output);
    }

    [Fact]
    public void Inference_plan_with_nothing_that_fits_is_one_line_and_exit_2()
    {
        var (code, output, err) = Run("plan", Temp("workload: inference\nmodel: deepseek-v3\nhardware: h100-sxm\ncluster: {gpus: 8}\ninference: {input_tokens: 2000, output_tokens: 500}\n"));
        Assert.Equal(2, code);
        Assert.Single(err.Trim().Split('\n'));
        Assert.Contains("no layout of deepseek-v3 fits on 8 × h100-sxm", err);
        Assert.Equal("", output);
    }

    [Theory]
    [InlineData("workload: training\nmodel: llama3.1-405\nhardware: h100-sxm\ntraining: {seq_len: 8192, global_batch: 8}\n", "did you mean 'llama3.1-405b'")]
    [InlineData("workload: training\nmodel: llama3.1-8b\nhardware: h100-sxm\nparallelsm: {tp: 2}\ntraining: {seq_len: 8192, global_batch: 8}\n", "did you mean 'parallelism'")]
    [InlineData("workload: training\nmodel: llama3.1-8b\nhardware: h100-sxm\ncluster: {gpus: -8}\ntraining: {seq_len: 8192, global_batch: 8}\n", "must be at least 1")]
    [InlineData("workload: training\nmodel: llama3.1-8b\nhardware: h100-sxm\ncluster: {gpus: 6}\nparallelism: {tp: 3}\ntraining: {seq_len: 8192, global_batch: 8}\n", "tp=3 does not divide the 32 attention heads")]
    [InlineData("workload: training\nmodel: llama3.1-8b\nhardware: h100-sxm\ncluster: {gpus: 16}\nparallelism: {tp: 2, pp: 2, dp: 2}\ntraining: {seq_len: 8192, global_batch: 8}\n", "make the degrees multiply to 16")]
    [InlineData("workload: training\nmodel: mixtral-8x7b\nhardware: h100-sxm\ncluster: {gpus: 8}\nparallelism: {ep: 3, dp: 8}\ntraining: {seq_len: 4096, global_batch: 8}\n", "ep=3 does not divide the 8 experts")]
    [InlineData("workload: training\nmodel: llama3.1-8b\nhardware: h100-sxm\ncluster: {gpus: 8}\nparallelism: {pp: 64, dp: 1, tp: 1, cp: 1}\ntraining: {seq_len: 8192, global_batch: 8}\n", "exceeds the 32 layers")]
    [InlineData("workload: training\nmodel: llama3.1-8b\nhardware: a100-sxm-80g\nprecision: fp8\ntraining: {seq_len: 8192, global_batch: 8}\n", "no fp8 tensor cores")]
    [InlineData("workload: training\nmodel: [unclosed\n", "malformed YAML")]
    public void Bad_input_gets_one_line_and_exit_code_2(string yaml, string expected)
    {
        var (code, output, err) = Run("estimate", Temp(yaml));
        Assert.Equal(2, code);
        Assert.Contains(expected, err);
        Assert.Single(err.Trim().Split('\n'));
        Assert.DoesNotContain("   at ", err);
        Assert.Equal("", output);
    }

    [Fact]
    public void Missing_file_is_bad_input()
    {
        var (code, _, err) = Run("estimate", "/nonexistent/scenario.yaml");
        Assert.Equal(2, code);
        Assert.Contains("does not exist", err);
    }

    [Fact]
    public void Unknown_option_is_bad_input()
    {
        var (code, _, err) = Run("estimate", "x.yaml", "--jsn");
        Assert.Equal(2, code);
        Assert.Single(err.Trim().Split('\n'));
    }

    [Fact]
    public void Validate_leads_with_the_out_of_sample_error_and_reports_band_coverage()
    {
        var (code, output, _) = Run("validate");
        Assert.Equal(0, code);
        Assert.Contains("megatron-sc21", output);
        Assert.True(output.IndexOf("out-of-sample", StringComparison.Ordinal) < output.IndexOf("in-sample (the fit)", StringComparison.Ordinal));
        Assert.Contains("training: error bands held ", output);
        var doc = JsonDocument.Parse(Run("validate", "--json").Out).RootElement;
        var first = doc.GetProperty("summaries")[0];
        Assert.Equal("out-of-sample", first.GetProperty("tier").GetString());
        Assert.Equal(3, doc.GetProperty("band_coverage").GetArrayLength()); // training, inference and rl
    }

    [Fact]
    public void Validate_reports_whether_each_training_run_fits_and_how_many_do()
    {
        var (code, output, _) = Run("validate");
        Assert.Equal(0, code);
        Assert.Contains(" published runs that ran are predicted to fit (", output);
        var doc = JsonDocument.Parse(Run("validate", "--json").Out).RootElement;
        var cases = doc.GetProperty("cases").EnumerateArray().ToList();
        var training = cases.Where(c => c.GetProperty("workload").GetString() == "training").ToList();
        var fit = doc.GetProperty("memory_fit");
        Assert.Equal(training.Count, fit.GetProperty("cases").GetInt32());
        Assert.Equal(training.Count(c => c.GetProperty("memory").GetProperty("fits").GetBoolean()), fit.GetProperty("fit").GetInt32());
        Assert.Equal(0.95, fit.GetProperty("target").GetDouble());
        // Capacity is the accelerator's HBM as the driver counts it: the A100 80GB of the Megatron SC'21 rows has
        // 80 GiB = 85.899 GB (the datasheet's "80 GB" are binary gigabytes).
        var sc21 = training.First(c => c.GetProperty("id").GetString()!.StartsWith("megatron-sc21", StringComparison.Ordinal));
        Assert.Equal(85.899, sc21.GetProperty("memory").GetProperty("capacity_gb").GetDouble());
        // Issue #10: the runs that fit are ones a plan fixing nothing could find: their layouts are in its search space
        // (the counts agree with the per-case flags, and at least 95% of them are found).
        Assert.Contains("and a plan fixing nothing searches the layout of ", output);
        var fitting = training.Where(c => c.GetProperty("memory").GetProperty("fits").GetBoolean()).ToList();
        int found = fitting.Count(c => c.GetProperty("memory").GetProperty("in_plan_space").GetBoolean());
        Assert.Equal(found, fit.GetProperty("found_by_plan").GetInt32());
        Assert.InRange((double)found / fitting.Count, 0.95, 1.0);
        Assert.All(cases.Where(c => c.GetProperty("workload").GetString() != "training"),
            c => Assert.Equal(JsonValueKind.Null, c.GetProperty("memory").ValueKind));
    }

    [Fact]
    public void Every_estimate_reports_a_band_beside_its_headline_metric()
    {
        // Training: throughput and step time come from the same error bounds, so low throughput x high step time
        // = predicted throughput x predicted step time (pred/(1+h) · step·(1+h)).
        var t = JsonDocument.Parse(Run("estimate", Scenarios.Repo("samples/llama3-405b-pretrain.yaml"), "--json").Out).RootElement;
        var tok = t.GetProperty("tokens_per_s_per_gpu_band");
        var step = t.GetProperty("step_time_s_band");
        double product = t.GetProperty("tokens_per_s_per_gpu").GetDouble() * t.GetProperty("step_time_s").GetDouble();
        Assert.Equal(1, tok.GetProperty("low").GetDouble() * step.GetProperty("high").GetDouble() / product, 4);
        Assert.True(tok.GetProperty("low").GetDouble() <= tok.GetProperty("high").GetDouble());
        // Hopper's 40 out-of-sample dense training cases come from 15 publications (Megatron-Bridge's archive page and its
        // releases' page, two torchtitan benchmark files, LLM Foundry, NeMo AutoModel, and nine MLPerf Training
        // submitter-rounds: v5.0 Dell, Oracle, QCT and SCITIX, v5.1 Cisco, Dell and QCT, v6.0 Cisco and Krai; the Llama 2 70B
        // LoRA runs on H100 and H200 joined the 22 pretraining cases): nine or more, so the family's own dense group bounds them.
        Assert.Equal("10-90% bounds from 40 out-of-sample nvidia-hopper training dense cases in 15 publications, each weighing the same",
            tok.GetProperty("basis").GetString());
        // The plan's winner carries it too, and serving estimates carry one on output tokens/s per GPU.
        var plan = JsonDocument.Parse(Run("plan", Scenarios.Repo("samples/llama3-405b-plan.yaml"), "--json", "--top", "1").Out).RootElement;
        Assert.True(plan.GetProperty("best").TryGetProperty("tokens_per_s_per_gpu_band", out _));
        var serve = JsonDocument.Parse(Run("estimate", Scenarios.Repo("samples/deepseek-v3-serving.yaml"), "--json").Out).RootElement;
        Assert.True(serve.GetProperty("output_tokens_per_s_per_gpu_band").TryGetProperty("basis", out _));
        var servePlan = JsonDocument.Parse(Run("plan", Scenarios.Repo("samples/llama3-70b-serving-plan.yaml"), "--json", "--top", "1").Out).RootElement;
        Assert.True(servePlan.GetProperty("best").TryGetProperty("output_tokens_per_s_per_gpu_band", out _));
        var sim = JsonDocument.Parse(Run("simulate", Scenarios.Repo("samples/llama3-70b-simulate.yaml"), "--json").Out).RootElement;
        Assert.True(sim.GetProperty("steady_state").GetProperty("output_tokens_per_s_per_gpu_band").TryGetProperty("low", out _));
    }

    [Fact]
    public void A_family_with_no_validated_case_gets_the_whole_range_of_its_kind()
    {
        var (code, output, err) = Run("estimate", Temp("""
            workload: training
            model: llama3.1-8b
            hardware: gaudi3
            cluster: {gpus: 8}
            precision: bf16
            parallelism: {tp: 1, pp: 1, dp: 8, microbatch: 1}
            training: {seq_len: 4096, global_batch: 64}
            """), "--json");
        Assert.True(code == 0, err);
        var basis = JsonDocument.Parse(output).RootElement.GetProperty("tokens_per_s_per_gpu_band").GetProperty("basis").GetString();
        // 258 dense out-of-sample training cases: 40 Hopper, 147 Blackwell, 8 LLM Foundry A100, 9 TPU, 30 MI355X/MI350X, 24 MI300X/MI325X.
        Assert.Equal("whole range of 258 out-of-sample training cases on intel-gaudi or of dense models, since there is no intel-gaudi training case", basis);
    }

    [Fact]
    public void Budget_says_nine_petaflops_is_sparse()
    {
        var (code, output, _) = Run("budget", "--flops", "1e25", "--hardware", "b300");
        Assert.Equal(0, code);
        Assert.Contains("2:4 structured sparsity", output);
        Assert.Contains("35.2", output);
        Assert.Contains("70.4", output);
    }

    [Fact]
    public void Catalog_show_lists_sources()
    {
        var (code, output, _) = Run("catalog", "show", "h100-sxm", "--json");
        Assert.Equal(0, code);
        var doc = JsonDocument.Parse(output).RootElement;
        Assert.True(doc.GetProperty("sources").GetArrayLength() > 0);
        Assert.Equal(989.4, doc.GetProperty("dense_peak_tflops").GetProperty("bf16").GetDouble(), 1);
    }
}
