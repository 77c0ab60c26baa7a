using Augur.CostModels.Training;
using Augur.Domain;
using Augur.Domain.Workloads;

namespace Augur.Tests.Operators;

/// <summary>routing: balanced (force-balanced benchmarks) removes the busiest-rank excess and nothing else.</summary>
public class BalancedRoutingTests
{
    const string Training = """
        workload: training
        model: qwen3-30b-a3b
        hardware: dgx-h100
        cluster: {gpus: 8}
        precision: bf16
        parallelism: {tp: 1, pp: 1, dp: 8, ep: 8, microbatch: 1}
        training: {seq_len: 512, global_batch: 8, routing: ROUTING}
        """;

    [Fact]
    public void Training_charges_the_busiest_rank_only_under_random_routing()
    {
        var random = Scenarios.FromYaml(Training.Replace("ROUTING", "random"));
        var balanced = Scenarios.FromYaml(Training.Replace("ROUTING", "balanced"));
        var l = LayoutDefaults.Complete(random.Layout, 8);
        double excess = Scenarios.Training(random).ExpertImbalance(l);
        Assert.True(excess > 1.01, $"4,096 tokens over 8 ranks should be uneven, got {excess}");
        Assert.Equal(1.0, Scenarios.Training(balanced).ExpertImbalance(l));
        var a = Scenarios.Training(random).Estimate(l);
        var b = Scenarios.Training(balanced).Estimate(l);
        Assert.True(b.Breakdown.ExpertParallel < a.Breakdown.ExpertParallel);
        Assert.Equal(a.Memory.Total.Value, b.Memory.Total.Value);
    }

    [Fact]
    public void Serving_reports_an_even_load_when_routing_is_balanced()
    {
        const string yaml = """
            workload: inference
            model: deepseek-v3
            hardware: hgx-h800
            cluster: {gpus: 32}
            precision: fp8
            parallelism: {tp: 1, pp: 1, ep: 32, dp_attention: 32}
            inference: {input_tokens: 2000, output_tokens: 500, concurrency: 64, routing: ROUTING}
            """;
        var random = Scenarios.Serving(yaml.Replace("ROUTING", "random")).Estimate;
        var balanced = Scenarios.Serving(yaml.Replace("ROUTING", "balanced")).Estimate;
        Assert.True(random.DecodeStep.ExpertImbalance > 1.2);
        // 64 sequences × top-8 over 32 ranks: 16 whole visits each.
        Assert.Equal(1.0, balanced.DecodeStep.ExpertImbalance);
        // Forced balance touches every one of the 256 experts (512 visits), random routing about 223 of them.
        Assert.True(balanced.DecodeStep.WeightBytes > random.DecodeStep.WeightBytes);
    }

    [Theory]
    [InlineData(3, 8, 32, 4.0 / 3)]   // 24 visits over 32 ranks: the busiest takes 1 of a mean 0.75
    [InlineData(64, 8, 32, 1.0)]      // 16 each
    [InlineData(10, 8, 32, 3.0 / 2.5)] // 80 visits: 3 of a mean 2.5
    public void Forced_balance_leaves_only_whole_visit_rounding(double tokens, int topK, int ranks, double expected)
    {
        Assert.Equal(expected, Augur.CostModels.Operators.ExpertRouting.BalancedRankFactor(topK, ranks, tokens), 12);
    }

    [Fact]
    public void An_unknown_mode_names_the_two()
    {
        var e = Assert.Throws<InputException>(() => Scenarios.FromYaml(Training.Replace("ROUTING", "even")));
        Assert.Contains("use random", e.Message);
        Assert.Contains("balanced", e.Message);
    }
}
