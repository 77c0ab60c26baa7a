using Augur.CostModels.Memory;
using Augur.CostModels.Training;
using Augur.Domain;
using Augur.Domain.Parallelism;
using Augur.Domain.Workloads;

namespace Augur.Tests.Training;

/// <summary>training.lora: low-rank adapters on a frozen base, and parallelism.recompute_layers.</summary>
public class LoraTests
{
    static string Yaml(string precision, string lora, string layout = "tp: 1, pp: 1, dp: 8, zero: 1, microbatch: 1, recompute: none") => $$"""
        workload: training
        model: llama3.1-8b
        hardware: dgx-h100
        cluster: {gpus: 8}
        precision: {{precision}}
        parallelism: {{{layout}}}
        training: {seq_len: 8192, global_batch: 64, grad_precision: bf16{{lora}}}
        """;

    // Llama 3.1 8B: hidden 4096, 32 heads and 8 KV heads of 128, SwiGLU FFN 14336, 32 layers, vocabulary 128256, untied.
    // Per layer: q and o 4096·4096 each, k and v 4096·1024 each, MLP 3·4096·14336, two norms of 4096 = 218,112,000;
    // embedding and output layer 128256·4096 each, the final norm 4096: 8,030,261,248 in all.
    const double Layer = 218_112_000, Edges = 2.0 * 128256 * 4096 + 4096, Total = 32 * Layer + Edges;

    /// <summary>Llama 3.1 8B on one GPU of a tp 1 layout without recomputation: the layer whose bytes per token the comments work out.</summary>
    static (Augur.Domain.Models.ModelSpec M, ParallelLayout L) PlainLayer() =>
        (Scenarios.FromYaml(Yaml("bf16", "")).Model,
         new ParallelLayout(Tp: 1, Pp: 1, Vp: 1, Dp: 8, Cp: 1, Ep: 1, Etp: 1, Sp: false, Zero: 1, MicroBatch: 1, Recompute: Recompute.None));

    [Fact]
    public void Adapter_parameters_are_rank_times_in_plus_out_of_each_target()
    {
        var m = Scenarios.FromYaml(Yaml("bf16", "")).Model;
        // qkv 4096 → 4096 + 2·1024, proj 4096 → 4096, fc1 4096 → 2·14336, fc2 14336 → 4096: 69,632 in + out, at rank 32.
        Assert.Equal(32 * 69_632, new LoraSpec().ParametersPerLayer(m));
        Assert.Equal(16 * (10_240 + 8_192), new LoraSpec { Rank = 16, Targets = LoraTargets.Attention }.ParametersPerLayer(m));
    }

    [Fact]
    public void Only_the_adapters_hold_gradients_and_optimizer_state_and_an_fp8_base_is_one_byte()
    {
        var full = Scenarios.FromYaml(Yaml("fp8", ""));
        var lora = Scenarios.FromYaml(Yaml("fp8", ", lora: {rank: 16, targets: [qkv, proj], base_weights: fp8}"));
        var l = LayoutDefaults.Complete(full.Layout, 8);
        var a = Scenarios.Training(full).Memory(l);
        var b = Scenarios.Training(lora).Memory(l);
        double share = 32 * 16 * (10_240 + 8_192) / Total;
        Assert.Equal(a.Gradients.Value * share, b.Gradients.Value, 1e-6 * a.Gradients.Value);
        Assert.Equal(a.Optimizer.Value * share, b.Optimizer.Value, 1e-6 * a.Optimizer.Value);
        // The frozen layers in one FP8 byte; embedding, output layer and final norm stay 16-bit.
        Assert.Equal(32 * Layer + 2 * Edges, b.Weights.Value, 1);
    }

    [Fact]
    public void A_frozen_layer_keeps_no_input_for_a_weight_gradient_and_each_adapter_keeps_its_own()
    {
        var (m, l) = PlainLayer();
        // Bytes per token, 16-bit: two norm inputs 4d and the QKV and fc1 inputs 2·2d (8d = 32,768); Q, K, V kept by flash
        // attention 2·4096 + 4·1024 = 12,288; the attention output 2·4096 = 8,192; fc1's output 4·14336 and fc2's input
        // 2·14336 = 86,016. In all 139,264.
        Assert.Equal(139_264, ActivationMemory.LayerBytes(m, l, 1, 8192, AttentionKernel.Flash, false, 0));
        // LoRA on qkv and proj: the qkv adapter keeps the norm output (2d) in place of the base's QKV and fc1 inputs (4d):
        // 24,576; the proj adapter its input beside the attention's own copy: 12,288 + 8,192 + 8,192; fc2's input goes: 57,344.
        var lora = new LoraSpec { Rank = 16, Targets = LoraTargets.Attention };
        Assert.Equal(24_576 + 28_672 + 57_344, ActivationMemory.LayerBytes(m, l, 1, 8192, AttentionKernel.Flash, false, 0, new ActivationMemory.Saved(2, lora)));
    }

    [Fact]
    public void Lora_counts_the_frozen_weight_gradients_out_of_the_model_flops()
    {
        var full = Scenarios.Training(Scenarios.FromYaml(Yaml("bf16", "")));
        var lora = Scenarios.Training(Scenarios.FromYaml(Yaml("bf16", ", lora: {rank: 16, targets: [qkv, proj]}")));
        // 3× forward for training every weight; a frozen base drops one forward's worth of its linear layers' FLOPs.
        var f = full.Flops;
        Assert.Equal(full.ModelFlopsPerStep - (f.Forward - f.AttentionCore) * 64 * 8192, lora.ModelFlopsPerStep, 1e-9 * full.ModelFlopsPerStep);
    }

    [Fact]
    public void Recomputing_some_layers_costs_their_share_of_full_recomputation()
    {
        // 8 of 32 layers: a quarter of each layer part of the full-recompute pass, three quarters of the plain one.
        var none = Scenarios.FromYaml(Yaml("bf16", ""));
        var some = Scenarios.FromYaml(Yaml("bf16", "", "tp: 1, pp: 1, dp: 8, zero: 1, microbatch: 1, recompute: full, recompute_layers: 8"));
        var model = Scenarios.Training(none);
        var l0 = LayoutDefaults.Complete(none.Layout, 8);
        var lk = LayoutDefaults.Complete(some.Layout, 8);
        Assert.Equal(8, lk.RecomputeLayers);
        var e0 = model.Estimate(l0).ComputeSplit;
        var eAll = model.Estimate(lk with { RecomputeLayers = 0 }).ComputeSplit;
        var ek = model.Estimate(lk).ComputeSplit;
        Assert.Equal(0.25 * eAll.Gemm.Value + 0.75 * e0.Gemm.Value, ek.Gemm.Value, 1e-9 * ek.Gemm.Value);
        Assert.Equal(0.25 * eAll.Attention.Value + 0.75 * e0.Attention.Value, ek.Attention.Value, 1e-9 * ek.Attention.Value);
        // Memory per token: a recomputed layer keeps its 16-bit input (2d = 8,192), another all of its 139,264, and the layer
        // being recomputed holds its whole working set once. 8 of 32 layers: (8·8,192 + 24·139,264 + 139,264) against
        // every layer recomputed: (32·8,192 + 139,264).
        double ratio = model.Memory(lk).Activations.Value / model.Memory(lk with { RecomputeLayers = 0 }).Activations.Value;
        Assert.Equal((8.0 * 8192 + 24 * 139_264 + 139_264) / (32.0 * 8192 + 139_264), ratio, 1e-9);
    }

    [Fact]
    public void An_uneven_pipeline_takes_the_share_of_the_first_chunk_the_memory_counts()
    {
        // 32 layers over pp 3: Megatron counts the embedding as a slot (33 = 3 · 11), so rank 0 holds 10 layers. Recomputing 5
        // of them is half of its chunk, in the pass as in the memory (not 5 of the ⌈32/3⌉ = 11 a plain split gives).
        string yaml = Yaml("bf16", "", "tp: 1, pp: 3, dp: 8, zero: 1, microbatch: 1, recompute: full, recompute_layers: 5").Replace("gpus: 8", "gpus: 24", StringComparison.Ordinal);
        var s = Scenarios.FromYaml(yaml);
        var model = Scenarios.Training(s);
        var lk = LayoutDefaults.Complete(s.Layout, 24);
        var eAll = model.Estimate(lk with { RecomputeLayers = 0 }).ComputeSplit;
        var e0 = model.Estimate(lk with { Recompute = Recompute.None, RecomputeLayers = 0 }).ComputeSplit;
        var ek = model.Estimate(lk).ComputeSplit;
        Assert.Equal(10, PipelineSplit.Of(32, 3, 1).FirstChunkLayers);
        // Within 0.1%: the step's accounting around the busiest stage's pass is not quite linear in it; 5/11 would be 1.1% off.
        Assert.Equal(0.5 * eAll.Gemm.Value + 0.5 * e0.Gemm.Value, ek.Gemm.Value, 1e-3 * ek.Gemm.Value);
    }

    [Theory]
    [InlineData("llama3.1-8b", "bf16", "lora: {rank: 16, base_weights: fp8}", "base_weights")]
    [InlineData("llama3.1-8b", "bf16", "lora: {rank: 16, targets: [qkv, gate]}", "unknown target 'gate'")]
    [InlineData("llama3.1-8b", "bf16", "lora: {rank: 0}", "rank")]
    [InlineData("qwen3-30b-a3b", "bf16", "lora: {rank: 16}", "experts are not modelled")]
    [InlineData("deepseek-v3", "bf16", "lora: {targets: [qkv]}", "latent attention are not modelled")]
    public void Lora_settings_it_cannot_cost_are_refused_in_one_line(string model, string precision, string lora, string expected)
    {
        var e = Assert.Throws<InputException>(() => Scenarios.FromYaml(Yaml(precision, ", " + lora).Replace("llama3.1-8b", model)));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Recompute_layers_without_full_recomputation_is_refused_and_megatron_writes_the_block_method()
    {
        var e = Assert.Throws<InputException>(() => Scenarios.FromYaml(Yaml("bf16", "", "tp: 1, dp: 8, recompute: selective, recompute_layers: 4")));
        Assert.Contains("set recompute: full", e.Message, StringComparison.Ordinal);
        var written = Export.ExportCases.Written(Export.ExportCases.Export("llama3-70b-zero3", "megatron", "parallelism.recompute_layers=5"));
        Assert.Equal(("block", "5"), (written["--recompute-method"], written["--recompute-num-layers"]));
        var x = Assert.Throws<InputException>(() => Export.ExportCases.Export("llama3-70b-zero3", "torchtitan", "parallelism.recompute_layers=5"));
        Assert.Contains("recompute_layers=5", x.Message, StringComparison.Ordinal);
        var y = Assert.Throws<InputException>(() => Export.ExportCases.Export("llama3-8b-fp8-b200", "megatron", "training.lora.rank=16"));
        Assert.Contains("training.lora", y.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_fp8_activation_store_keeps_the_swiglu_input_in_one_byte()
    {
        var (m, l) = PlainLayer();
        // The fc1 output (2·14336 values) in 1 byte, not 2: 139,264 − 28,672 = 110,592 bytes per token.
        Assert.Equal(110_592, ActivationMemory.LayerBytes(m, l, 1, 8192, AttentionKernel.Flash, false, 0, new ActivationMemory.Saved(Fp8ActivationInput: true)));
        var s = Scenarios.FromYaml(Yaml("bf16", ", fp8_activation_store: true"));
        Assert.True(s.Training!.Fp8ActivationStore);
        var e = Assert.Throws<InputException>(() => Scenarios.FromYaml(Yaml("bf16", ", fp8_activation_store: true").Replace("llama3.1-8b", "gpt3-175b")));
        Assert.Contains("not gated", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fp8_attention_runs_at_the_fp8_attention_rate_and_keeps_q_k_and_v_in_one_byte()
    {
        var (m, l) = PlainLayer();
        // Q, K and V (4096 + 2·1024 values) in one byte: 139,264 − 6,144 = 133,120 bytes per token.
        Assert.Equal(133_120, ActivationMemory.LayerBytes(m, l, 1, 8192, AttentionKernel.Flash, false, 0, new ActivationMemory.Saved(Fp8Attention: true)));
        // Hopper's calibrated attention fractions: 0.66 of the BF16 peak, 0.55 of the FP8 peak (twice BF16's): the same
        // attention FLOPs in 0.66 / (2 · 0.55) = 0.6 of the time, less the fixed per-kernel overhead both pay.
        var bf16 = Scenarios.Training(Scenarios.FromYaml(Yaml("fp8", "")));
        var fp8 = Scenarios.Training(Scenarios.FromYaml(Yaml("fp8", ", fp8_attention: true")));
        var layout = LayoutDefaults.Complete(Scenarios.FromYaml(Yaml("fp8", "")).Layout, 8);
        double ratio = fp8.Estimate(layout).ComputeSplit.Attention.Value / bf16.Estimate(layout).ComputeSplit.Attention.Value;
        Assert.InRange(ratio, 0.59, 0.61);
        var e = Assert.Throws<InputException>(() => Scenarios.FromYaml(Yaml("bf16", ", fp8_attention: true")));
        Assert.Contains("set precision: fp8", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_lora_estimate_names_its_adapters_in_the_table_and_the_json()
    {
        var (code, output, err) = Cli.CliTests.Run("estimate", Scenarios.Repo("samples/llama3-70b-lora.yaml"), "--json");
        Assert.True(code == 0, err);
        var lora = System.Text.Json.JsonDocument.Parse(output).RootElement.GetProperty("lora");
        Assert.Equal(16, lora.GetProperty("rank").GetInt32());
        Assert.Equal("qkv proj", string.Join(' ', lora.GetProperty("targets").EnumerateArray().Select(x => x.GetString())));
        Assert.Equal("fp8", lora.GetProperty("base_weights").GetString());
        Assert.Contains("LoRA rank 16 on qkv, proj, base frozen in FP8", Cli.CliTests.Run("estimate", Scenarios.Repo("samples/llama3-70b-lora.yaml")).Out, StringComparison.Ordinal);
    }
}
