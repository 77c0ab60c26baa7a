using Augur.CostModels.Operators;

namespace Augur.Tests.Operators;

/// <summary>The busiest expert-parallel rank of a batch (ExpertRouting.BusiestRankFactor) and the order statistic under it.</summary>
public class ExpertImbalanceTests
{
    [Theory]
    [InlineData(1, 0.0)]
    [InlineData(2, 0.56419)]  // 1/√π
    [InlineData(10, 1.53875)] // Harter (1961), Biometrika 48, expected values of normal order statistics
    [InlineData(100, 2.50759)]
    public void The_expected_maximum_of_n_standard_normals_matches_the_tables(int n, double expected) =>
        Assert.Equal(expected, ExpertRouting.ExpectedMaxOfStandardNormals(n), 4);

    [Fact]
    public void A_decode_batch_over_32_ranks_waits_for_a_rank_4_percent_above_the_mean()
    {
        // DeepSeek-V3 (256 experts, top-8) on EP32, 8,192 tokens: μ = 8192·8/32 = 2,048 visits per rank,
        // σ² = 2048·(31/32)·(248/255) = 1,929.6, σ = 43.93; the 32 loads add up to 65,536, so each deviates by
        // σ·√(32/31) times a normal less their average, and the busiest is 2.0697 of those above: 1 + 2.0697·44.63/2048.
        Assert.Equal(1 + 2.0697 * Math.Sqrt(2048 * 31.0 / 32 * 248 / 255 * 32 / 31) / 2048, ExpertRouting.BusiestRankFactor(256, 8, 32, 8192), 4);
        Assert.Equal(1.0451, ExpertRouting.BusiestRankFactor(256, 8, 32, 8192), 4);
    }

    [Fact]
    public void One_rank_or_a_huge_batch_has_no_straggler_and_fewer_tokens_make_a_worse_one()
    {
        Assert.Equal(1, ExpertRouting.BusiestRankFactor(256, 8, 1, 1000));
        Assert.InRange(ExpertRouting.BusiestRankFactor(256, 8, 32, 4e6), 1, 1.0025); // a training batch: 1.002
        double previous = double.MaxValue;
        foreach (double tokens in new[] { 16.0, 64, 256, 1024, 4096, 16384 })
        {
            double f = ExpertRouting.BusiestRankFactor(256, 8, 64, tokens);
            Assert.True(f < previous && f > 1, $"{tokens} tokens: {f}");
            previous = f;
        }
        // One token: some rank takes a whole visit, 8× the mean of 1/8 (the normal approximation alone says 7.5; routing at
        // random gives 10.1, since two of the 8 picks often share a rank), and none more than its 4 experts (32×).
        Assert.Equal(8, ExpertRouting.BusiestRankFactor(256, 8, 64, 1), 9);
        // Two ranks: the loads mirror each other, so the excess is z_2·σ·√2 = 0.5642·√2·σ (not 0.5642·σ).
        double sd2 = Math.Sqrt(1000 * 8 / 2.0 * 0.5 * 248 / 255);
        Assert.Equal(1 + 0.56419 * sd2 * Math.Sqrt(2) / 4000, ExpertRouting.BusiestRankFactor(256, 8, 2, 1000), 4);
    }

    [Theory]
    [InlineData(256, 8, 32, 2048)]  // DeepSeek-V3 decode, EP32
    [InlineData(256, 8, 64, 512)]   // a small decode step over EP64
    [InlineData(128, 8, 8, 256)]    // Qwen3-30B-A3B-like, EP8
    [InlineData(256, 8, 128, 2048)] // EP128, 16 sequences per rank
    public void The_formula_agrees_with_routing_tokens_at_random(int experts, int topK, int ranks, int tokens)
    {
        // Route `tokens` tokens to top-k distinct experts drawn uniformly, experts laid out E/R per rank; average the
        // busiest rank's load over the mean across 100 batches. With the loads' common sum accounted for, the normal
        // approximation reads 0.2-0.6% low at these loads (the counts are slightly right-skewed): within 1.5% below,
        // 0.5% above.
        var random = new Random(7);
        int perRank = experts / ranks;
        var ids = Enumerable.Range(0, experts).ToArray();
        double sum = 0;
        const int Trials = 100;
        for (int trial = 0; trial < Trials; trial++)
        {
            var load = new int[ranks];
            for (int t = 0; t < tokens; t++)
                for (int j = 0; j < topK; j++)
                {
                    int pick = random.Next(j, experts);
                    (ids[j], ids[pick]) = (ids[pick], ids[j]);
                    load[ids[j] / perRank]++;
                }
            sum += load.Max() / ((double)tokens * topK / ranks);
        }
        double simulated = sum / Trials, formula = ExpertRouting.BusiestRankFactor(experts, topK, ranks, tokens);
        Assert.InRange(formula / simulated, 0.985, 1.005);
    }
}

/// <summary>Where the busiest rank enters the serving and training models.</summary>
public class ExpertImbalanceUseTests
{
    [Fact]
    public void A_smaller_decode_batch_never_waits_longer_for_its_experts()
    {
        // DeepSeek-V3 EP32 on four H800 servers. One sequence puts 8 visits on 32 ranks (busiest 32× the mean of 1/4),
        // but that scales only the few bytes moved, not the exchange's fixed latency: neither the exchange nor the step
        // may take longer for 1 sequence than for 2, 4, ... (it did when the whole exchange time was scaled).
        var s = Scenarios.FromYaml(File.ReadAllText(Scenarios.Repo("samples/deepseek-v3-serving.yaml")));
        var m = Scenarios.Inference(s);
        var l = Augur.CostModels.Validation.InferenceValidator.LayoutFor(s);
        double previousEp = 0, previousStep = 0;
        foreach (int sequences in new[] { 1, 2, 4, 8, 16, 32, 64, 256 })
        {
            var step = m.DecodeStep(l, sequences, 2250);
            Assert.True(step.ExpertParallel.Value >= previousEp && step.Total.Value >= previousStep, $"{sequences} sequences: exchange {step.ExpertParallel.Value} (before {previousEp}), step {step.Total.Value} (before {previousStep}), compute {step.Compute.Total}, imbalance {step.ExpertImbalance}");
            (previousEp, previousStep) = (step.ExpertParallel.Value, step.Total.Value);
        }
    }

    [Fact]
    public void With_tensor_parallel_groups_a_lone_sequence_still_only_scatters_its_copies()
    {
        // DeepSeek-V3 with tp2 × dp_attention 16 = EP32 on 32 H800s: one sequence sits on one group of 2 GPUs, each
        // sending half its copies; the busiest receiver's excess is (imbalance − 1) × the stage's tokens over its 32
        // GPUs, a 32nd of a token: the exchange grows by far less than the imbalance (5×).
        var s = Scenarios.FromYaml("workload: inference\nmodel: deepseek-v3\nhardware: hgx-h800\ncluster: {gpus: 32}\nprecision: fp8\n" +
            "parallelism: {tp: 2, ep: 32, dp_attention: 16}\ninference: {input_tokens: 2000, output_tokens: 500, concurrency: 16}\n");
        var m = Scenarios.Inference(s);
        var l = Augur.CostModels.Validation.InferenceValidator.LayoutFor(s);
        var one = m.DecodeStep(l, 1, 2250);
        var sixteen = m.DecodeStep(l, 16, 2250);
        Assert.InRange(one.ExpertImbalance, 3, 8);
        Assert.True(sixteen.ExpertParallel.Value >= one.ExpertParallel.Value);
        Assert.InRange(one.ExpertParallel.Value / sixteen.ExpertParallel.Value, 0.5, 1.0);
    }

    [Fact]
    public void Training_counts_the_ep_groups_tokens_as_the_layer_shape_counts_visits()
    {
        // DeepSeek-V3, 4,096-token micro-batches, tp2 ep8: each rank's experts see 4096·8·1/2 visits on average, so the
        // group routes 4096·8·1/2 = 16,384 tokens' worth (not 4096·8: tensor parallel ranks share their tokens).
        var s = Scenarios.FromYaml("workload: training\nmodel: deepseek-v3\nhardware: hgx-h800\ncluster: {gpus: 2048}\nprecision: fp8\n" +
            "parallelism: {tp: 2, pp: 16, ep: 8, dp: 64, zero: 1, microbatch: 1}\ntraining: {seq_len: 4096, global_batch: 8192}\n");
        var t = Scenarios.Training(s);
        var l = new Augur.Domain.Parallelism.ParallelLayout(2, 16, 1, 64, 1, 8, 1, false, 1, 1, Augur.Domain.Parallelism.Recompute.None);
        Assert.Equal(ExpertRouting.BusiestRankFactor(256, 8, 8, 16384), t.ExpertImbalance(l), 12);
        Assert.InRange(t.ExpertImbalance(l), 1.005, 1.02);
        // Expert tensor parallelism splits each expert over etp GPUs, each seeing all its tokens: ×etp visits per rank.
        var etp = new Augur.Domain.Parallelism.ParallelLayout(2, 16, 1, 64, 1, 4, 2, false, 1, 1, Augur.Domain.Parallelism.Recompute.None);
        Assert.Equal(ExpertRouting.BusiestRankFactor(256, 8, 4, 4096 * 4 * 2 / 2), t.ExpertImbalance(etp), 12);
        Assert.Equal(1, Scenarios.Training(Scenarios.FromYaml("workload: training\nmodel: llama3.1-8b\nhardware: h100-sxm\ncluster: {gpus: 8}\nprecision: bf16\ntraining: {seq_len: 4096, global_batch: 64}\n")).ExpertImbalance(l));
    }
}
