using Augur.CostModels.Training;

namespace Augur.Tests.Training;

/// <summary>
/// torch FSDP's BACKWARD_POST prefetch (training.backward_prefetch: post, Composer's default): each unit's gather for the
/// backward is issued after the next unit's gradients, ahead of that unit's reduce-scatter on the same process group, so
/// the backward waits for every gather G while the reduce-scatters still overlap.
/// </summary>
public class BackwardPrefetchTests
{
    // A chip with so many SMs that an overlapped collective takes nothing from the compute (σ → 0), so hidden traffic costs 0.
    const string Yaml = "model: llama3.1-8b\nhardware: {base: h100-sxm, sms: 1000000000}\ncluster: {gpus: 8}\nprecision: bf16\n"
                        + "parallelism: {tp: 1, pp: 1, dp: 8, zero: ZERO, microbatch: 1}\n"
                        + "training: {seq_len: 4096, global_batch: 8, grad_precision: bf16, overlap_dp: OVERLAP, backward_prefetch: PREFETCH}\n";

    static double DataParallel(int zero, bool overlap, string prefetch)
    {
        var s = Scenarios.FromYaml(Yaml.Replace("ZERO", zero.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("OVERLAP", overlap ? "true" : "false", StringComparison.Ordinal).Replace("PREFETCH", prefetch, StringComparison.Ordinal));
        return Scenarios.Training(s).Estimate(LayoutDefaults.Complete(s.Layout, 8)).Breakdown.DataParallel.Value;
    }

    [Fact]
    public void Gathering_after_the_backward_exposes_one_whole_gather_per_micro_batch()
    {
        // ZeRO-1 without overlap pays its reduce-scatter and its gather whole: with 16-bit gradients both move the 8B
        // model's 2-byte copy over the same 8 ranks, so each is half of it (G = R).
        double g = DataParallel(1, false, "pre") / 2;
        Assert.True(g > 0);
        // ZeRO-3 with one micro-batch: gathered ahead (pre), its gather, gather and reduce-scatter hide under the forward and
        // backward; gathered after (post), the backward's gather runs alone: G more.
        double ahead = DataParallel(3, true, "pre"), after = DataParallel(3, true, "post");
        Assert.Equal(0, ahead, 6);
        Assert.Equal(g, after - ahead, 6);
    }

    [Fact]
    public void An_unknown_context_parallel_exchange_is_refused_in_one_line()
    {
        var e = Assert.Throws<Augur.Domain.InputException>(() => Scenarios.FromYaml(
            "model: llama3.1-8b\nhardware: h100-sxm\ncluster: {gpus: 8}\nprecision: bf16\nparallelism: {tp: 1, dp: 4, cp: 2}\n"
            + "training: {seq_len: 8192, global_batch: 8, cp_comm: ring}\n"));
        Assert.EndsWith("training.cp_comm: unknown 'ring'; use p2p (ring attention, Megatron's default) or a2a (all-to-all over heads, DeepSpeed-Ulysses)", e.Message);
        Assert.DoesNotContain("\n", e.Message);
    }

    [Fact]
    public void An_unknown_prefetch_is_refused_in_one_line()
    {
        var e = Assert.Throws<Augur.Domain.InputException>(() => Scenarios.FromYaml(Yaml.Replace("ZERO", "3", StringComparison.Ordinal)
            .Replace("OVERLAP", "true", StringComparison.Ordinal).Replace("PREFETCH", "sideways", StringComparison.Ordinal)));
        Assert.Contains("training.backward_prefetch: unknown 'sideways'; use pre", e.Message);
        Assert.DoesNotContain("\n", e.Message);
    }
}
