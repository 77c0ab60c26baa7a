using Augur.CostModels.Training;

namespace Augur.Tests.Training;

/// <summary>The SMs overlapped communication takes from the compute beside it: the expert exchange (20, Megatron-core's moe_deepep_num_sms), a data-parallel collective (16, NCCL on a DGX).</summary>
public class ExpertOverlapSmsTests
{
    [Fact]
    public void Twenty_of_132_sms_slow_compute_bound_work_by_132_over_112()
    {
        // All GEMM: C' = C·132/112, so σ = 1 − 112/132 = 20/132.
        Assert.Equal(20.0 / 132, ExpertOverlap.LostShare(132, 1), 12);
        // Half compute-bound: C' = C·(0.5·132/112 + 0.5) = C·244/224, σ = 1 − 224/244 = 20/244.
        Assert.Equal(20.0 / 244, ExpertOverlap.LostShare(132, 0.5), 12);
        // Memory-bound work keeps its pace.
        Assert.Equal(0, ExpertOverlap.LostShare(132, 0), 12);
        // B200: 148 SMs, all GEMM: 20/148.
        Assert.Equal(20.0 / 148, ExpertOverlap.LostShare(148, 1), 12);
    }

    [Fact]
    public void A_chip_without_sms_loses_nothing()
    {
        // TPU, Trainium, Gaudi: collectives on engines of their own.
        Assert.Equal(0, ExpertOverlap.LostShare(null, 1));
    }

    [Fact]
    public void A_pair_pays_the_larger_of_the_exchange_beyond_its_compute_and_the_sms_taken_while_it_runs()
    {
        double sigma = 20.0 / 132;
        // E = 4 s under C = 10 s, m = 5: the first and last pay 4, each of the 4 pairs 4·20/132 = 0.60606 s.
        Assert.Equal(4 + 4 * 4 * 20.0 / 132, ExpertOverlap.PerStep(4, 10, 5, sigma), 12);
        // E = 12 s over C = 10 s: the slowed compute (11.79 s) still ends first; each pair pays E − C = 2 s.
        Assert.Equal(12 + 4 * 2.0, ExpertOverlap.PerStep(12, 10, 5, sigma), 12);
        // Without SMs taken the hidden exchange costs nothing beyond the first and last.
        Assert.Equal(4, ExpertOverlap.PerStep(4, 10, 5, 0), 12);
    }

    [Fact]
    public void The_overlapped_step_pays_the_sm_share_and_the_plain_one_does_not()
    {
        // Qwen3-30B-A3B on 16 H100s with ep 8: the exchange stays under the compute, so overlapped the step pays one
        // exchange plus, for each of the m − 1 pairs, σ·E with 0 < σ ≤ 20/132.
        const string yaml = "model: qwen3-30b-a3b\nhardware: HW\ncluster: {gpus: 16}\nprecision: bf16\n"
                            + "parallelism: {tp: 2, pp: 1, dp: 8, ep: 8, sp: true, microbatch: 1OVERLAP}\ntraining: {seq_len: 4096, global_batch: 64}\n";
        TrainingEstimate Run(string hardware, bool overlap) => Estimate(yaml, hardware, overlap ? ", ep_overlap: true" : "", 16);
        // Both parts derived, so both keep the calibrated GEMM rate (the H100's measured training rows name the catalog part).
        const string h100 = "{base: h100-sxm, sms: 132}";
        var plain = Run(h100, false);
        int m = plain.MicroBatches;
        double e = plain.Breakdown.ExpertParallel.Value / m;
        Assert.True(e < plain.Breakdown.Compute.Value / m, "the case needs the exchange under the compute");
        Assert.Equal(plain.Breakdown.Total.Value, Run("{base: h100-sxm, sms: 1000000000}", false).Breakdown.Total.Value, 12);
        double sigma = (Run(h100, true).Breakdown.ExpertParallel.Value - e) / ((m - 1) * e);
        Assert.InRange(sigma, 1e-3, 20.0 / 132 + 1e-12);
        // The same chip with so many SMs that the exchange's 20 take nothing: the pairs hide their exchange whole.
        Assert.Equal(e, Run("{base: h100-sxm, sms: 1000000000}", true).Breakdown.ExpertParallel.Value, 6);
    }

    [Fact]
    public void Sixteen_nccl_sms_of_132_slow_compute_bound_work_by_16_over_132()
    {
        // NCCL's 16 blocks on a DGX (nvidia-hopper / nvidia-ampere collective_sms), all GEMM: σ = 16/132.
        Assert.Equal(16.0 / 132, ExpertOverlap.LostShare(132, 1, 16), 12);
        // Half compute-bound: C' = C·(0.5·132/116 + 0.5) = C·248/232, σ = 1 − 232/248 = 16/248.
        Assert.Equal(16.0 / 248, ExpertOverlap.LostShare(132, 0.5, 16), 12);
        // A family whose collective SMs are not known takes none.
        Assert.Equal(0, ExpertOverlap.LostShare(132, 1, 0), 12);
    }

    [Fact]
    public void An_overlapped_collective_adds_the_larger_of_its_excess_and_its_sm_share()
    {
        double sigma = 16.0 / 132;
        // 4 s of gradient reduce-scatter under a 10 s backward: 4·16/132 = 0.4848 s.
        Assert.Equal(4 * 16.0 / 132, ExpertOverlap.Beyond(4, 10, sigma), 12);
        // 12 s over 10 s: the slowed backward (11.45 s) ends first, the excess 2 s is paid.
        Assert.Equal(2, ExpertOverlap.Beyond(12, 10, sigma), 12);
        // No collective, nothing.
        Assert.Equal(0, ExpertOverlap.Beyond(0, 10, sigma), 12);
    }

    [Fact]
    public void A_hidden_data_parallel_collective_costs_its_sm_share_of_the_compute_beside_it()
    {
        // Llama 3.1 8B, ZeRO-1 over 8 GPUs, one micro-batch: the reduce-scatter hides behind the backward and the gather
        // behind the forward. Without overlap the step pays both whole (R + G); overlapped it pays σ·(R + G), σ ≤ 16/132.
        const string yaml = "model: llama3.1-8b\nhardware: HW\ncluster: {gpus: 8}\nprecision: bf16\n"
                            + "parallelism: {tp: 1, pp: 1, dp: 8, zero: 1, microbatch: 1}\ntraining: {seq_len: 4096, global_batch: 8, overlap_dp: OVERLAP}\n";
        double Dp(string hardware, bool overlap) => Estimate(yaml, hardware, overlap ? "true" : "false", 8).Breakdown.DataParallel.Value;
        double whole = Dp("h100-sxm", false), hidden = Dp("h100-sxm", true);
        Assert.InRange(hidden / whole, 1e-3, 16.0 / 132 + 1e-12);
        // Blackwell takes the same 16 SMs, of B200's 148.
        Assert.InRange(Dp("b200", true) / Dp("b200", false), 1e-3, 16.0 / 148 + 1e-12);
        // AMD's calibration states no collective compute units: a hidden collective still costs nothing there.
        Assert.True(Dp("mi300x", false) > 0);
        Assert.Equal(0, Dp("mi300x", true), 12);
    }

    [Fact]
    public void An_sm_count_below_one_is_refused_in_one_line()
    {
        var e = Assert.Throws<Augur.Domain.InputException>(() => Scenarios.FromYaml(
            "model: llama3.1-8b\nhardware: {base: h100-sxm, sms: 0}\ncluster: {gpus: 8}\nprecision: bf16\ntraining: {seq_len: 4096, global_batch: 64}\n"));
        Assert.Contains("sms: must be at least 1", e.Message);
        Assert.DoesNotContain("\n", e.Message);
    }

    /// <summary>The scenario <paramref name="yaml"/> with HW and OVERLAP filled in, estimated in its completed layout.</summary>
    static TrainingEstimate Estimate(string yaml, string hardware, string overlap, int gpus)
    {
        var s = Scenarios.FromYaml(yaml.Replace("HW", hardware, StringComparison.Ordinal).Replace("OVERLAP", overlap, StringComparison.Ordinal));
        return Scenarios.Training(s).Estimate(LayoutDefaults.Complete(s.Layout, gpus));
    }
}
