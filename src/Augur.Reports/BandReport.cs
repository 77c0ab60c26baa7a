using System.Text.Json.Nodes;
using Augur.CostModels.Uncertainty;
using Augur.Reports.Console;
using Augur.Reports.Json;
using Spectre.Console.Rendering;

namespace Augur.Reports;

/// <summary>How a headline metric's error band is written: a range in the metric's unit and the evidence it rests on.</summary>
public static class BandReport
{
    /// <summary>{low, high, basis} of a throughput for --json; null when no validated case of the workload exists.</summary>
    public static JsonObject? ThroughputJson(ErrorBand? b, double predicted) => Json(b, b?.Throughput(predicted));

    /// <summary>{low, high, basis} of a time (the inverse of a throughput) for --json.</summary>
    public static JsonObject? TimeJson(ErrorBand? b, double predicted) => Json(b, b?.Time(predicted));

    public static string ThroughputText(ErrorBand? b, double predicted) => Text(b?.Throughput(predicted), v => Format.N(v, "0"));

    public static string TimeText(ErrorBand? b, double predicted) => Text(b?.Time(predicted), Format.Seconds);

    /// <summary>The line under a table that says what its ranges rest on.</summary>
    public static IRenderable Basis(ErrorBand? b) =>
        Render.Line(b is null ? "ranges: no validated case of this workload to draw them from"
            : $"ranges: where measured values fell around predictions like this one ({b.Basis}; errors {Format.SignedPct(b.LowError)} to {Format.SignedPct(b.HighError)}){Side(b)}");

    /// <summary>A band wholly on one side of its estimate says so, lest the estimate alone be read as the expectation.</summary>
    static string Side(ErrorBand b) => b.MeasuredVsEstimate switch
    {
        "slower" => "; every one of those cases ran slower than predicted, so the range lies wholly on the slow side of the estimate: read the range, not the estimate",
        "faster" => "; every one of those cases ran faster than predicted, so the range lies wholly on the fast side of the estimate: read the range, not the estimate",
        _ => "",
    };

    static JsonObject? Json(ErrorBand? b, (double Low, double High)? r) => b is null || r is not { } x ? null : new JsonObject
    {
        ["low"] = JsonOut.Num(x.Low), ["high"] = JsonOut.Num(x.High), ["basis"] = b.Basis, ["measured_vs_estimate"] = b.MeasuredVsEstimate,
    };

    static string Text((double Low, double High)? r, Func<double, string> format) =>
        r is { } x ? $"{format(x.Low)} – {format(x.High)}" : "none (no validated case of this workload)";
}
