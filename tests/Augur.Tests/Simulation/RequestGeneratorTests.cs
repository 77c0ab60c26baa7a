using Augur.Simulation.Serving;

namespace Augur.Tests.Simulation;

public class RequestGeneratorTests
{
    private static (double Mean, double Cv) Moments(IArrivalProcess process, int n, int seed)
    {
        var random = new Random(seed);
        double sum = 0, sumSq = 0;
        for (int i = 0; i < n; i++)
        {
            double gap = process.NextInterArrival(random);
            Assert.True(gap >= 0);
            sum += gap;
            sumSq += gap * gap;
        }
        double mean = sum / n;
        double sd = Math.Sqrt(sumSq / n - mean * mean);
        return (mean, sd / mean);
    }

    // Fixed seeds make these exact; the tolerances are still several standard errors wide for the sample sizes.
    [Fact]
    public void Poisson_gaps_have_mean_one_over_rate_and_cv_one()
    {
        var (mean, cv) = Moments(new PoissonArrivals(20), 50_000, 11);
        Assert.InRange(mean, 0.05 * 0.97, 0.05 * 1.03);
        Assert.InRange(cv, 0.97, 1.03);
    }

    [Theory]
    [InlineData(0.5)] // shape 4: the Marsaglia–Tsang branch
    [InlineData(1.0)] // shape 1: exponential
    [InlineData(2.0)] // shape 0.25: the boosted small-shape branch
    public void Gamma_gaps_have_the_requested_mean_and_cv(double cv)
    {
        var (mean, sampleCv) = Moments(new GammaArrivals(10, cv), 100_000, 3);
        Assert.InRange(mean, 0.1 * 0.96, 0.1 * 1.04);
        Assert.InRange(sampleCv, cv * 0.93, cv * 1.07);
    }

    [Fact]
    public void Generated_requests_are_ordered_in_range_and_seeded()
    {
        var a = RequestGenerator.Generate(new PoissonArrivals(5), TokenLengths.Uniform(10, 20), TokenLengths.Fixed(7), 1000, new Random(9));
        var b = RequestGenerator.Generate(new PoissonArrivals(5), TokenLengths.Uniform(10, 20), TokenLengths.Fixed(7), 1000, new Random(9));
        var c = RequestGenerator.Generate(new PoissonArrivals(5), TokenLengths.Uniform(10, 20), TokenLengths.Fixed(7), 1000, new Random(10));
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        for (int i = 0; i < a.Count; i++)
        {
            Assert.Equal(i, a[i].Id);
            Assert.InRange(a[i].InputTokens, 10, 20);
            Assert.Equal(7, a[i].OutputTokens);
            if (i > 0) Assert.True(a[i].Arrival >= a[i - 1].Arrival);
        }
        Assert.Contains(a, r => r.InputTokens == 10);
        Assert.Contains(a, r => r.InputTokens == 20);
    }

    [Fact]
    public void Bad_parameters_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new PoissonArrivals(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new GammaArrivals(1, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => TokenLengths.Uniform(5, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => TokenLengths.Fixed(0));
    }
}
