using System.Text.Json.Nodes;
using Augur.CostModels.Run;
using Augur.CostModels.Training;
using Augur.Domain.Workloads;
using Augur.Reports.Console;
using Augur.Reports.Json;
using Augur.Units;
using Spectre.Console;

namespace Augur.Reports.Training;

/// <summary>The table and JSON of data parallelism across sites (a multi-site training estimate).</summary>
public static class CrossSiteReport
{
    /// <param name="run">The whole run, when the scenario has a budget: its goodput (time not lost to failures) times the
    /// utilisation is the share of the GPUs' time that trains.</param>
    public static Table Table(CrossSiteEstimate x, RunEstimate? run)
    {
        var t = Render.Table("across sites", "value");
        t.AddRow("sites", $"{x.Sites} joined by {Bits(x.SiteBandwidth)} per site each way, {Format.N(x.Latency.Milliseconds, "0.##")} ms one-way");
        t.AddRow("method", Method(x.Training));
        t.AddRow("sent per site per full exchange", Format.N(x.PerSiteExchange.GB, "#,0.##") + " GB");
        t.AddRow("one exchange over the WAN", Format.Seconds(x.Exchange.Value));
        t.AddRow("step without the WAN", Format.Seconds(x.StepWithoutWan.Value));
        t.AddRow("WAN wait per step (exposed)", Format.Seconds(x.Exposed.Value));
        t.AddRow("compute utilisation", Format.Pct(x.Utilization));
        if (run is not null) t.AddRow("× goodput after failures", $"{Format.Pct(run.Goodput)} = {Format.Pct(x.Utilization * run.Goodput)} of GPU time trains");
        t.AddRow("WAN per site for 95% utilisation", x.BandwidthFor95 is { } b ? Bits(b) + " each way" : "none reaches it (latency alone exposes more than 5%)");
        return t;
    }

    public static JsonObject Json(CrossSiteEstimate x, RunEstimate? run) => new()
    {
        ["sites"] = x.Sites,
        ["method"] = x.Training.Method == CrossSiteMethod.DiLoCo ? "diloco" : "synchronous",
        ["inner_steps"] = x.Training.InnerSteps,
        ["outer_bits"] = x.Training.Method == CrossSiteMethod.DiLoCo ? x.Training.OuterBits : 16,
        ["fragments"] = x.Training.Fragments,
        ["overlap_steps"] = x.Training.OverlapSteps,
        ["wan_gbit_per_s_per_site"] = JsonOut.Num(GbitPerSecond(x.SiteBandwidth)),
        ["wan_latency_s"] = JsonOut.Num(x.Latency.Value),
        ["bytes_per_site_per_exchange"] = JsonOut.Num(x.PerSiteExchange.Value),
        ["exchange_s"] = JsonOut.Num(x.Exchange.Value),
        ["step_without_wan_s"] = JsonOut.Num(x.StepWithoutWan.Value),
        ["exposed_s"] = JsonOut.Num(x.Exposed.Value),
        ["compute_utilization"] = JsonOut.Num(x.Utilization),
        ["useful_share"] = run is null ? null : JsonOut.Num(x.Utilization * run.Goodput),
        ["wan_gbit_per_s_per_site_for_95pct"] = x.BandwidthFor95 is { } b ? JsonOut.Num(GbitPerSecond(b)) : null,
    };

    static string Method(CrossSiteTraining c) => c.Method == CrossSiteMethod.Synchronous
        ? "synchronous: hierarchical all-reduce every step, overlapped with backward"
        : $"DiLoCo: H = {c.InnerSteps} inner steps, {c.OuterBits}-bit outer exchange"
          + (c.Fragments > 1 ? $", {c.Fragments} streamed fragments" : "")
          + (c.OverlapSteps > 0 ? $", overlapping {c.OverlapSteps} inner step{(c.OverlapSteps > 1 ? "s" : "")}" : "");

    static double GbitPerSecond(Bandwidth b) => b.BytesPerSecond * UnitConstants.BitsPerByte / UnitConstants.Giga;

    /// <summary>A WAN rate in the bits per second carriers quote.</summary>
    public static string Bits(Bandwidth b)
    {
        double gbit = GbitPerSecond(b);
        return gbit >= 1000 ? Format.N(gbit / 1000, "0.##") + " Tbit/s" : Format.N(gbit, gbit >= 10 ? "0" : "0.##") + " Gbit/s";
    }
}
