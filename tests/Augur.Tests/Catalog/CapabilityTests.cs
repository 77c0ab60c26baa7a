using Augur.Catalog.Loading;
using Augur.Domain;
using Augur.Domain.Hardware;
using Augur.Workflows;

namespace Augur.Tests.Catalog;

/// <summary>An accelerator's capability set (the seam for Transformer ASICs) and its memory tiers (the seam for offload).</summary>
public class CapabilityTests
{
    // A hypothetical transformer ASIC built for dense full-attention inference only.
    const string Asic = "{name: asic, dense_tflops: {fp8: 2000, bf16: 1000}, hbm_gb: 144, hbm_tb_s: 5, capabilities: {workloads: [inference], attention: [full], moe: false}}";
    const string Net = "{gpus: 8, scale_up_domain: 8, scale_up_bandwidth: 900 GB/s, scale_out_bandwidth: 400 Gbit/s}";

    static void Serve(string model) => ScenarioLoader.FromYaml(CatalogStore.Default, $$"""
        workload: inference
        model: {{model}}
        hardware: {{Asic}}
        cluster: {{Net}}
        precision: fp8
        inference: {input_tokens: 2048, output_tokens: 128}
        """);

    [Fact]
    public void A_dense_full_attention_model_runs()
    {
        Serve("llama3.1-70b");
    }

    [Theory]
    [InlineData("deepseek-v3", "latent (MLA) attention")]
    [InlineData("mixtral-8x7b", "no expert routing")]
    [InlineData("gpt-oss-20b", "sliding-window")]
    public void A_model_outside_the_silicon_is_refused_with_the_reason(string model, string reason)
    {
        var e = Assert.Throws<InputException>(() => Serve(model));
        Assert.Contains(reason, e.Message);
    }

    [Fact]
    public void A_chip_without_a_bf16_rate_is_refused_since_the_lm_head_runs_in_bf16()
    {
        var e = Assert.Throws<InputException>(() => ScenarioLoader.FromYaml(CatalogStore.Default, $$"""
            workload: inference
            model: llama3.1-70b
            hardware: {{Asic.Replace(", bf16: 1000", "")}}
            cluster: {{Net}}
            precision: fp8
            inference: {input_tokens: 2048, output_tokens: 128}
            """));
        Assert.Contains("asic (custom) has no BF16 rate", e.Message);
        Assert.Contains("dense_tflops: {bf16: N}", e.Message);
    }

    [Fact]
    public void An_inference_only_chip_refuses_training()
    {
        var e = Assert.Throws<InputException>(() => ScenarioLoader.FromYaml(CatalogStore.Default, $"""
            workload: training
            model: llama3.1-8b
            hardware: {Asic}
            cluster: {Net}
            precision: fp8
            training: {"{"}seq_len: 4096, global_batch: 64{"}"}
            """));
        Assert.Contains("inference only", e.Message);
    }

    [Fact]
    public void Gpus_run_everything_and_gb200_reaches_grace_memory_as_a_second_tier()
    {
        var gb200 = CatalogStore.Default.Accelerator("gb200");
        Assert.Same(AcceleratorCapabilities.Any, gb200.Capabilities);
        Assert.Equal(["HBM", "Grace LPDDR5X over NVLink-C2C"], gb200.MemoryTiers.Select(t => t.Name));
        // 480 GB per Grace shared by two GPUs; 900 GB/s both ways = 450 one way, shared by two.
        Assert.Equal(240e9, gb200.MemoryTiers[1].Capacity.Value);
        Assert.Equal(225e9, gb200.MemoryTiers[1].Bandwidth.BytesPerSecond);
        Assert.Single(CatalogStore.Default.Accelerator("mi300x").MemoryTiers);
    }
}
