using Augur.CostModels.Training;

namespace Augur.Tests.Training;

/// <summary>Data-parallel gradient traffic travels in the gradient buffer's precision (Megatron-core grad_reduce_in_fp32).</summary>
public class GradientReduceTests
{
    const string Llama = "model: llama3.1-8b\nhardware: h100-sxm\ncluster: {gpus: 8}\nprecision: bf16\n"
                         + "parallelism: {tp: 1, pp: 1, dp: 8, zero: 1, microbatch: 1}\n"
                         + "training: {seq_len: 4096, global_batch: 64, overlap_dp: falseGRAD}\n";

    static double DataParallelSeconds(string grad)
    {
        var s = Scenarios.FromYaml(Llama.Replace("GRAD", grad, StringComparison.Ordinal));
        return Scenarios.Training(s).Estimate(LayoutDefaults.Complete(s.Layout, 8)).Breakdown.DataParallel.Value;
    }

    [Fact]
    public void Fp32_gradient_buffers_reduce_twice_the_bytes_of_16_bit_ones()
    {
        // ZeRO-1 without overlap: a reduce-scatter of the gradients and an all-gather of the 16-bit weights, each moving
        // (p − 1)/p of its buffer per rank. With bf16 gradients both move 2 bytes per parameter (2X); with fp32 (bf16
        // training's default) the reduce-scatter moves 4, so 3X. Only the (p − 1)·α latency (µs against tens of ms) differs.
        double bf16 = DataParallelSeconds(", grad_precision: bf16");
        double fp32 = DataParallelSeconds("");
        Assert.Equal(1.5, fp32 / bf16, 2e-3);
    }
}
