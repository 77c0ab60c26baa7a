using System.Text.Json;

namespace Augur.Tests.Cli;

/// <summary><c>augur export</c> and <c>augur import</c> at the command line: output, files, and one-line refusals.</summary>
public class ExportCliTests
{
    [Fact]
    public void Export_prints_the_arguments_and_writes_the_same_text_with_out()
    {
        string path = Path.Combine(Directory.CreateTempSubdirectory().FullName, "megatron.sh");
        var (code, output, err) = CliTests.Run("export", Scenarios.Repo("samples/llama3-405b-pretrain.yaml"), "--to", "megatron", "--out", path);
        Assert.True(code == 0, err);
        Assert.StartsWith("# Megatron-LM settings for llama3.1-405b on 16384 h100-sxm", output);
        Assert.Contains("  --tensor-model-parallel-size 8 \\\n  --pipeline-model-parallel-size 16 \\\n", output);
        Assert.Equal(output, File.ReadAllText(path));
    }

    [Fact]
    public void Export_json_types_each_setting_as_the_framework_documents_it()
    {
        var (code, output, err) = CliTests.Run("export", Scenarios.Repo("samples/deepseek-v3-serving.yaml"), "--to", "sglang", "--json");
        Assert.True(code == 0, err);
        var doc = JsonDocument.Parse(output).RootElement;
        Assert.False(doc.GetProperty("planned").GetBoolean());
        var launch = doc.GetProperty("launches")[0];
        Assert.Equal("serve", launch.GetProperty("role").GetString());
        var settings = launch.GetProperty("settings");
        Assert.Equal(32, settings.GetProperty("--tp-size").GetInt32());
        Assert.True(settings.GetProperty("--enable-dp-attention").GetBoolean());
        Assert.Equal(0.9, settings.GetProperty("--mem-fraction-static").GetDouble());
        Assert.Equal("bf16", settings.GetProperty("--kv-cache-dtype").GetString());
    }

    [Theory]
    [InlineData("samples/llama3-405b-pretrain.yaml", "--to nonsense", "--to nonsense: unknown framework; use one of megatron, torchtitan, maxtext, vllm, sglang, trtllm")]
    [InlineData("samples/llama3-405b-pretrain.yaml", "--to torchtitan", "torchtitan cannot express zero=1")]
    [InlineData("samples/deepseek-v3-serving.yaml", "--to megatron", "use one of vllm, sglang, trtllm")]
    public void A_refused_export_is_one_line_and_exit_code_2(string file, string args, string message)
    {
        var (code, output, err) = CliTests.Run(["export", Scenarios.Repo(file), .. args.Split(' ')]);
        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.StartsWith("augur: ", err);
        Assert.Contains(message, err);
        Assert.Single(err.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public void Csv_is_refused_since_export_prints_no_table()
    {
        var (code, _, err) = CliTests.Run("export", Scenarios.Repo("samples/llama3-405b-pretrain.yaml"), "--to", "megatron", "--csv", "x.csv");
        Assert.Equal(2, code);
        Assert.StartsWith("augur: --csv saves tables, and export prints a framework's settings; save it with --out FILE", err);
    }

    [Fact]
    public void An_imported_launch_line_is_a_scenario_estimate_reads()
    {
        string path = Path.Combine(Directory.CreateTempSubdirectory().FullName, "imported.yaml");
        var (code, output, err) = CliTests.Run("import", Scenarios.Repo("samples/llama3-405b-megatron.sh"), "--from", "megatron", "--hardware", "h100-sxm", "--model", "llama3.1-405b", "--out", path);
        Assert.True(code == 0, err);
        Assert.Contains("parallelism: {tp: 8, pp: 16, vp: 4, cp: 2, dp: 64, sp: true, zero: 1, microbatch: 1, recompute: none}", output);
        // --train-samples 1,904,296,875 x 8,192 tokens = 15.6e12, the sample's budget.
        Assert.Contains("tokens: 15600000000000", output);
        var (estimate, _, estimateErr) = CliTests.Run("estimate", path);
        Assert.True(estimate == 0, estimateErr);
    }

    [Fact]
    public void Import_refuses_a_serve_command_without_the_request_shape()
    {
        var (code, _, err) = CliTests.Run("import", "vllm serve meta-llama/Llama-3.1-70B-Instruct -tp 4", "--from", "vllm", "--hardware", "h100-sxm");
        Assert.Equal(2, code);
        Assert.StartsWith("augur: give --input-tokens and --output-tokens", err);
    }
}
