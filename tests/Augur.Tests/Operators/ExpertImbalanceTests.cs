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
        // σ² = 2048·(31/32)·(248/255) = 1,929.6, σ = 43.93; the busiest of 32 is 2.0697σ above: 1 + 2.0697·43.93/2048.
        Assert.Equal(1 + 2.0697 * Math.Sqrt(2048 * 31.0 / 32 * 248 / 255) / 2048, ExpertRouting.BusiestRankFactor(256, 8, 32, 8192), 4);
        Assert.Equal(1.0444, ExpertRouting.BusiestRankFactor(256, 8, 32, 8192), 4);
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
        // One token: no rank can hold more than its 4 experts' worth (256 / 64), 32× the mean of 1/8 visit.
        Assert.InRange(ExpertRouting.BusiestRankFactor(256, 8, 64, 1), 1, 32);
    }

    [Theory]
    [InlineData(256, 8, 32, 2048)]  // DeepSeek-V3 decode, EP32
    [InlineData(256, 8, 64, 512)]   // a small decode step over EP64
    [InlineData(128, 8, 8, 256)]    // Qwen3-30B-A3B-like, EP8
    [InlineData(256, 8, 128, 2048)] // EP128, 16 sequences per rank
    public void The_formula_agrees_with_routing_tokens_at_random(int experts, int topK, int ranks, int tokens)
    {
        // Route `tokens` tokens to top-k distinct experts drawn uniformly, experts laid out E/R per rank; average the
        // busiest rank's load over the mean across 100 batches. The normal approximation reads 0.4-2% low (the counts
        // are slightly right-skewed), so it must land within 3% below and 1% above.
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
        Assert.InRange(formula / simulated, 0.97, 1.01);
    }
}
