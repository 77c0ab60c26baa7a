using Augur.CostModels.Training;

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
}
