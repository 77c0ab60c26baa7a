namespace Augur.Tests.Cli;

public class BudgetUnitTests
{
    [Fact]
    public void A_big_cluster_spends_a_budget_in_days_not_zero_years()
    {
        // 1e26 FLOPs / (4,500 TFLOP/s FP8 dense x 100,000 B300) = 222,222 s = 2.57 days.
        var (code, output, err) = CliTests.Run("budget", "--flops", "1e26", "--hardware", "b300", "--gpus", "100000");
        Assert.True(code == 0, err);
        Assert.Contains("2.57 days", output);
        Assert.DoesNotContain("0 years", output);
    }
}
