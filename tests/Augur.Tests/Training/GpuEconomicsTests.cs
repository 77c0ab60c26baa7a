using Augur.CostModels.Run;
using Augur.Units;

namespace Augur.Tests.Training;

public class GpuEconomicsTests
{
    static readonly GpuEconomics H100 = new(new DollarsPerGpuHour(2.0), new Watts(700), 0.8, 1.2);

    [Fact]
    public void A_served_token_costs_the_gpu_seconds_it_takes()
    {
        // 100 tokens/s per GPU: a million tokens take 10,000 GPU-seconds = 2.78 GPU-hours = $5.56 at $2.
        Assert.Equal(2.0 * 1e4 / 3600, H100.CostPerMillionTokens(new TokenRate(100)).Value, 9);
        // 700 W × 0.8 × PUE 1.2 = 672 W at the meter for 0.01 s per token: 6.72 J.
        Assert.Equal(6.72, H100.EnergyPerToken(new TokenRate(100)).Value, 9);
    }

    [Fact]
    public void A_run_counts_energy_the_way_a_token_does()
    {
        // 1,000 GPUs for one hour at 672 W each = 672 kWh; 1,000 GPU-hours at $2 = $2,000.
        Assert.Equal(672, H100.Energy(1000, Seconds.FromHours(1)).KilowattHours, 9);
        Assert.Equal(2000, H100.Cost(1000, Seconds.FromHours(1)).Value, 9);
    }
}
