using Augur.Plots;

namespace Augur.Tests.Plots;

public class SimulationLoadChartTests
{
    [Fact]
    public void A_simulation_draws_three_latency_histograms_and_its_load_over_time()
    {
        string path = ChartFiles.Plotted(".svg", "simulate", Scenarios.Repo("samples/llama3-70b-simulate.yaml"));
        var latencies = ChartFiles.SvgTexts(path);
        // Each names its axis and its legend entry.
        foreach (var x in new[] { "TTFT (ms)", "TPOT (ms)", "end-to-end (s)" }) Assert.Equal(2, latencies.Count(t => t == x));
        Assert.Contains("End-to-end latency over 2,000 requests", latencies);
        var load = ChartFiles.SvgTexts(Chart.Beside(path, "load"));
        Assert.Contains(load, t => t.StartsWith("Requests waiting and sequences running over time (sampled every ", StringComparison.Ordinal));
        Assert.Single(load, "waiting requests (queued, not admitted)");
        Assert.Single(load, "running sequences (prefilling or decoding)");
        Assert.Single(load, "KV cache blocks in use");
        Assert.Contains("KV cache used (%)", load);
        Assert.Equal(2, load.Count(t => t == "time (s)"));
    }
}
