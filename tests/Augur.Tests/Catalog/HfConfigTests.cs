using Augur.Catalog.Loading;
using Augur.CostModels.Analysis;
using Augur.Domain;

namespace Augur.Tests.Catalog;

public class HfConfigTests
{
    [Fact]
    public void A_users_config_json_works_like_a_catalog_name()
    {
        string dir = Directory.CreateTempSubdirectory().FullName;
        string path = Path.Combine(dir, "config.json");
        File.WriteAllText(path, """
        {"model_type": "qwen3_moe", "hidden_size": 2048, "intermediate_size": 6144, "moe_intermediate_size": 768,
         "num_hidden_layers": 48, "num_attention_heads": 32, "num_key_value_heads": 4, "head_dim": 128,
         "num_experts": 128, "num_experts_per_tok": 8, "vocab_size": 151936, "tie_word_embeddings": false}
        """);
        var m = ModelReader.FromFile(path);
        var pc = ParameterCounter.Count(m);
        Assert.InRange(pc.Total / 1e9, 30.0, 31.0);  // Qwen3-30B-A3B: 30.5B
        Assert.InRange(pc.Active / 1e9, 3.2, 3.5);   // 3.3B active
        var s = Scenarios.FromYaml($"workload: training\nmodel: {path}\nhardware: h100-sxm\ncluster: {{gpus: 8}}\ntraining: {{seq_len: 4096, global_batch: 64}}\n");
        Assert.Equal(48, s.Model.Layers);
    }

    [Theory]
    [InlineData("float32", 4)]
    [InlineData("bfloat16", 2)]
    [InlineData(null, 2)]
    public void The_checkpoints_state_precision_is_read_from_mamba_ssm_dtype(string? dtype, int bytes)
    {
        string field = dtype is null ? "" : $", \"mamba_ssm_dtype\": \"{dtype}\"";
        var s = Scenarios.FromYaml("workload: training\nmodel: {model_type: qwen3_5_text, hidden_size: 1024, intermediate_size: 3584, num_hidden_layers: 8, "
            + "num_attention_heads: 8, num_key_value_heads: 2, head_dim: 256, linear_num_key_heads: 16, linear_num_value_heads: 16, linear_key_head_dim: 128, "
            + "linear_value_head_dim: 128, linear_conv_kernel_dim: 4, vocab_size: 248320" + field.Replace("\"", "") + "}\nhardware: h100-sxm\ntraining: {seq_len: 1024, global_batch: 8}\n");
        Assert.Equal(6, s.Model.LinearAttention!.Layers);  // every 4th of 8 layers is full attention
        Assert.Equal(bytes, s.Model.LinearAttention.RecurrentStateBytes);
    }

    [Fact]
    public void An_unknown_state_precision_is_refused_in_one_line()
    {
        var e = Assert.Throws<InputException>(() => Scenarios.FromYaml("workload: training\nmodel: {model_type: qwen3_5_text, hidden_size: 1024, intermediate_size: 3584, "
            + "num_hidden_layers: 8, num_attention_heads: 8, num_key_value_heads: 2, head_dim: 256, linear_num_key_heads: 16, linear_num_value_heads: 16, "
            + "linear_key_head_dim: 128, linear_value_head_dim: 128, linear_conv_kernel_dim: 4, vocab_size: 248320, mamba_ssm_dtype: int3}\n"
            + "hardware: h100-sxm\ntraining: {seq_len: 1024, global_batch: 8}\n"));
        Assert.Contains("mamba_ssm_dtype", e.Message);
        Assert.Contains("float32", e.Message);
    }

    [Fact]
    public void Malformed_config_names_the_missing_field()
    {
        var e = Assert.Throws<InputException>(() => Scenarios.FromYaml("workload: training\nmodel: {hidden_size: 4096}\nhardware: h100-sxm\ntraining: {seq_len: 1024, global_batch: 8}\n"));
        Assert.Contains("num_hidden_layers", e.Message);
    }
}

public class CatalogShowConfigTests
{
    [Fact]
    public void Catalog_show_reads_a_users_config_json()
    {
        string path = Path.Combine(Directory.CreateTempSubdirectory().FullName, "config.json");
        // Qwen3-30B-A3B's shape: 30.5B parameters, 3.3B active; KV per token 2 x 48 layers x 4 KV heads x 128 x 2 bytes = 98,304.
        File.WriteAllText(path, """
        {"model_type": "qwen3_moe", "hidden_size": 2048, "intermediate_size": 6144, "moe_intermediate_size": 768,
         "num_hidden_layers": 48, "num_attention_heads": 32, "num_key_value_heads": 4, "head_dim": 128,
         "num_experts": 128, "num_experts_per_tok": 8, "vocab_size": 151936, "tie_word_embeddings": false}
        """);
        var (code, output, err) = Augur.Tests.Cli.CliTests.Run("catalog", "show", path, "--json");
        Assert.True(code == 0, err);
        var doc = System.Text.Json.JsonDocument.Parse(output).RootElement;
        Assert.InRange(doc.GetProperty("total_params_b").GetDouble(), 30.0, 31.0);
        Assert.InRange(doc.GetProperty("active_params_b").GetDouble(), 3.2, 3.5);
        Assert.Equal(98304, doc.GetProperty("kv_bytes_per_token_bf16").GetDouble());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, doc.GetProperty("published_total_params_b").ValueKind);
        Assert.Equal(128, doc.GetProperty("moe").GetProperty("experts").GetInt32());
    }
}
