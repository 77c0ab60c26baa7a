using Augur.CostModels.Communication;

namespace Augur.Tests.MultiSite;

/// <summary>
/// Augur's cross-site cost function against the compute-utilisation simulation of Streaming DiLoCo (Douillard et al.,
/// arXiv 2501.18512, Table 4: "Gbit/s to reach a compute utilization CU = 50/80/90/95/99%"). The table's settings:
/// models of 1B, 10B and 100B parameters with 24, 48 and 108 layers and pure-compute steps of 0.1, 0.8 and 4.9 s
/// (Kaplan FLOPs at 60% MFU); H = 100 for every DiLoCo variant; fragments of 3 layers; outer gradients reduced
/// during the backward pass (Figure 3). Taken as inputs here: two replicas (the paper's simulation does not vary
/// them; ASSUMPTION), 16-bit values (4-bit for the FP4 row), backward = 2/3 of the step (Kaplan's 2:4 forward:backward
/// FLOPs), "overlapped com." = τ = 1 step of overlap, no latency.
///
/// How close: every 50-95% entry within 25% (most within 12%). The table lists the first point of a geometric grid
/// (ratio 1.207: 86.8, 104.8, 126.5, 152.6 ...) that reaches the utilisation, so it overstates the exact threshold by
/// up to 21%. The 99% column is left out: the paper's simulator schedules each layer's reduction as its gradient
/// appears, so the last layers' reductions form a tail after the backward pass that Augur, which treats an exchange
/// as one block hidden behind the whole window, does not have (Data-Parallel 1B at 99%: 569 Gbit/s published, 236 here).
/// </summary>
public class StreamingDiLoCoTableTests
{
    public static TheoryData<string, string, double[]> Rows => new()
    {
        { "1B", "data-parallel", [86.8, 152.6, 184.2, 222.3] },
        { "1B", "diloco", [1.4, 6.2, 13.3, 23.3] },
        { "1B", "streaming", [1.4, 5.2, 9.1, 16.0] },
        { "1B", "streaming-overlap", [1.4, 4.3, 6.2, 9.1] },
        { "1B", "streaming-overlap-fp4", [0.4, 0.9, 1.7, 2.0] },
        { "10B", "data-parallel", [104.8, 222.3, 222.3, 268.3] },
        { "10B", "diloco", [1.7, 7.5, 16.0, 33.9] },
        { "10B", "streaming", [1.7, 5.2, 9.1, 13.3] },
        { "10B", "streaming-overlap", [1.7, 3.6, 5.2, 6.2] },
        { "10B", "streaming-overlap-fp4", [0.4, 0.9, 1.4, 1.4] },
        { "100B", "data-parallel", [184.2, 323.8, 390.7, 390.7] },
        { "100B", "diloco", [3.0, 11.0, 23.3, 49.4] },
        { "100B", "streaming", [2.4, 6.2, 9.1, 11.0] },
        { "100B", "streaming-overlap", [1.7, 3.6, 4.3, 5.2] },
        { "100B", "streaming-overlap-fp4", [0.5, 0.9, 1.1, 1.1] },
    };

    static readonly double[] Targets = [0.50, 0.80, 0.90, 0.95];

    [Theory]
    [MemberData(nameof(Rows))]
    public void Bandwidth_for_each_utilisation_is_within_a_quarter_of_Table_4(string size, string method, double[] publishedGbit)
    {
        var (parameters, layers, step) = size switch
        {
            "1B" => (1e9, 24, 0.1),
            "10B" => (10e9, 48, 0.8),
            _ => (100e9, 108, 4.9),
        };
        bool streaming = method.StartsWith("streaming", StringComparison.Ordinal);
        bool overlap = method.Contains("overlap", StringComparison.Ordinal);
        double bits = method.EndsWith("fp4", StringComparison.Ordinal) ? 4 : 16;
        var exchange = new CrossSiteExchange
        {
            Sites = 2, BytesPerGpu = parameters * bits / 8, Latency = 0,
            Period = method == "data-parallel" ? 1 : 100,
            Fragments = streaming ? layers / 3 : 1,
            Window = 2.0 / 3 * step + (overlap ? step : 0),
        };
        for (int i = 0; i < Targets.Length; i++)
        {
            double gbit = CrossSite.BandwidthFor(exchange, step, Targets[i])!.Value * 8 / 1e9;
            double ratio = gbit / publishedGbit[i];
            Assert.True(ratio is > 0.8 and < 1.25, $"{size} {method} at {Targets[i]:P0}: Augur {gbit:0.0} Gbit/s, Table 4 {publishedGbit[i]} Gbit/s");
        }
    }
}
