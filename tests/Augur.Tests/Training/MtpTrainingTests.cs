using Augur.CostModels.Analysis;
using Augur.CostModels.Memory;
using Augur.CostModels.Training;
using Augur.Domain.Models;
using Augur.Domain.Parallelism;
using Augur.Domain.Workloads;

namespace Augur.Tests.Training;

/// <summary>Multi-token prediction trained beside the model (training.mtp_layers, Megatron's --mtp-num-layers).</summary>
public class MtpTrainingTests
{
    const string Llama = "model: llama3.1-8b\nhardware: h100-sxm\ncluster: {gpus: 8}\nprecision: bf16\nparallelism: {tp: 1, pp: 1, dp: 8, microbatch: 1}\n"
                         + "training: {seq_len: 4096, global_batch: 64MTP}\n";

    static (TrainingModel Model, TrainingEstimate Estimate) With(string mtp)
    {
        var s = Scenarios.FromYaml(Llama.Replace("MTP", mtp, StringComparison.Ordinal));
        var model = Scenarios.Training(s);
        return (model, model.Estimate(LayoutDefaults.Complete(s.Layout, 8)));
    }

    [Fact]
    public void Each_depth_adds_a_layer_its_projection_and_the_output_layer()
    {
        // Llama 3.1 8B at 4096 tokens, forward per token: one layer 2·(2·4096² + 2·4096·1024) projections + 2·3·4096·14336 MLP
        // + 2·32·256·2048 attention = 469,762,048; the MTP projection 2·(2·4096)·4096 = 67,108,864; the output layer
        // 2·4096·128,256 = 1,050,673,152. Training triples it: 4,762,632,192 per token, × 4096 × 64 tokens per step.
        var (none, a) = With("");
        var (one, b) = With(", mtp_layers: 1");
        Assert.Equal(4_762_632_192.0 * 4096 * 64, one.ModelFlopsPerStep - none.ModelFlopsPerStep, 1e-6 * one.ModelFlopsPerStep);
        Assert.True(b.StepTime.Value > a.StepTime.Value, "the last stage runs the extra layer and head");
    }

    [Fact]
    public void Mtp_layers_are_bounded()
    {
        var e = Assert.Throws<Augur.Domain.InputException>(() => Scenarios.FromYaml(Llama.Replace("MTP", ", mtp_layers: 99", StringComparison.Ordinal)));
        Assert.Contains("training.mtp_layers", e.Message);
    }

    static ModelSpec Gpt() => new()
    {
        Name = "gpt", Layers = 24, Hidden = 2048, Heads = 16, KvHeads = 16, HeadDim = 128,
        Ffn = 8192, Vocab = 51200, GatedMlp = false, Dropout = true, TiedEmbeddings = true,
    };

    /// <summary>Memory of <paramref name="m"/> on one GPU (t = 1, p = 1, full recompute, bf16, 2,048 tokens) without and with one depth.</summary>
    static (MemoryBreakdown None, MemoryBreakdown One) WithoutPipelining(ModelSpec m)
    {
        var pc = ParameterCounter.Count(m);
        var l = new ParallelLayout(Tp: 1, Pp: 1, Vp: 1, Dp: 1, Cp: 1, Ep: 1, Etp: 1, Sp: false, Zero: 0, MicroBatch: 1, Recompute: Recompute.Full);
        var job = new TrainingJob { SeqLen = 2048, GlobalBatch = 8, Precision = Augur.Domain.Hardware.Precision.BF16 };
        return (TrainingMemory.Estimate(m, pc, job, l, TestCalibration.Any, 8), TrainingMemory.Estimate(m, pc, job with { MtpLayers = 1 }, l, TestCalibration.Any, 8));
    }

    [Fact]
    public void Without_pipelining_each_depth_holds_a_layer_its_projection_logits_and_one_more_layer_of_activations()
    {
        // d = 2048, V = 51,200, t = 1, one 2,048-token micro-batch, full recompute, bf16 with fp32 gradients (2 + 4 + 12 B).
        // One depth: a layer (attention 4d² + 2 norms 2d = 16,781,312; plain MLP 2·d·4d = 33,554,432) and its projection
        // 2d·d + 3 norms 3d = 8,394,752: 58,730,496 parameters, 18 B each = 1,057,148,928 B. Its logits in fp32
        // 4·2048·51,200 = 419,430,400 B. One more layer input kept under full recompute 2·d·T = 8,388,608 B (with fragmentation).
        var (none, one) = WithoutPipelining(Gpt());
        Assert.Equal(1_057_148_928, (one.Weights + one.Gradients + one.Optimizer - none.Weights - none.Gradients - none.Optimizer).Value, 0);
        Assert.Equal(419_430_400, (one.Logits - none.Logits).Value, 0);
        Assert.Equal(8_388_608 * (1 + TestCalibration.Any.Fragmentation), (one.Activations - none.Activations).Value, 3);
    }

    [Fact]
    public void The_last_pipeline_stage_also_builds_the_embedding_the_depth_looks_up()
    {
        // p = 2: the last stage's 12 layers (12 · 50,335,744), the final norm 2,048, and with one depth its layer and
        // projection (58,730,496) and the embedding V·d = 104,857,600 (tied, so no separate head): 767,619,072 bf16
        // weights = 1,535,238,144 B; that stage now outweighs the first (embedding + 12 layers, 708,886,528).
        var m = Gpt();
        var pc = ParameterCounter.Count(m);
        var l = new ParallelLayout(Tp: 1, Pp: 2, Vp: 1, Dp: 1, Cp: 1, Ep: 1, Etp: 1, Sp: false, Zero: 0, MicroBatch: 1, Recompute: Recompute.Full);
        var job = new TrainingJob { SeqLen = 2048, GlobalBatch = 8, Precision = Augur.Domain.Hardware.Precision.BF16, MtpLayers = 1 };
        Assert.Equal(1_535_238_144, TrainingMemory.Estimate(m, pc, job, l, TestCalibration.Any, 8).Weights.Value, 0);
    }

    static ModelSpec GptMoe() => Gpt() with { Moe = new MoeSpec(Experts: 8, TopK: 2, SharedExperts: 1, ExpertFfn: 1024, SharedExpertFfn: 1024, FirstDenseLayers: 1) };

    [Fact]
    public void A_depth_repeats_the_last_layers_kind()
    {
        // Megatron-core builds the MTP layer from the decoder's last layer spec: MoE when that layer routes.
        Assert.True(GptMoe().LastLayerIsMoe);
        Assert.False(Gpt().LastLayerIsMoe);
        Assert.False((GptMoe() with { Moe = GptMoe().Moe! with { LayerStep = 2 }, Layers = 25 }).LastLayerIsMoe); // layer 25 of step 2 is dense
        Assert.True((GptMoe() with { Moe = GptMoe().Moe! with { LayerStep = 2 } }).LastLayerIsMoe);
    }

    [Fact]
    public void Without_pipelining_the_depth_of_an_moe_model_holds_an_moe_layer()
    {
        // As above with 8 routed experts of ffn 1024 and one shared (d = 2048, plain MLPs 2·d·f = 4,194,304 each), one
        // dense first layer, ep = 1. The depth's MoE layer: attention and norms 16,781,312, routed 8 · 4,194,304 =
        // 33,554,432, shared 4,194,304 and router d·8 = 16,384; its projection and norms 8,394,752: 62,941,184
        // parameters at 18 B = 1,132,941,312 B (as a dense layer it was 1,057,148,928).
        var (none, one) = WithoutPipelining(GptMoe());
        Assert.Equal(1_132_941_312, (one.Weights + one.Gradients + one.Optimizer - none.Weights - none.Gradients - none.Optimizer).Value, 0);
    }

    [Fact]
    public void Without_pipelining_the_depths_moe_layer_exchanges_its_tokens_and_runs_its_tensor_parallel_collectives()
    {
        // Qwen3-30B-A3B: 48 layers, every one MoE. One depth adds a 49th MoE layer to the one stage: its dispatch and
        // combine and its two TP collectives per direction, so both grow by 49/48.
        const string yaml = "model: qwen3-30b-a3b\nhardware: h100-sxm\ncluster: {gpus: 16}\nprecision: bf16\n"
                            + "parallelism: {tp: 2, pp: 1, dp: 8, ep: 8, sp: true, microbatch: 1}\ntraining: {seq_len: 4096, global_batch: 64MTP}\n";
        TrainingEstimate Run(string mtp)
        {
            var s = Scenarios.FromYaml(yaml.Replace("MTP", mtp, StringComparison.Ordinal));
            return Scenarios.Training(s).Estimate(LayoutDefaults.Complete(s.Layout, 16));
        }
        var a = Run("").Breakdown;
        var b = Run(", mtp_layers: 1").Breakdown;
        Assert.Equal(49.0 / 48, b.ExpertParallel.Value / a.ExpertParallel.Value, 9);
        Assert.Equal(49.0 / 48, b.TensorParallel.Value / a.TensorParallel.Value, 9);
    }
}
