using System.Globalization;

namespace Augur.Reports;

/// <summary>Invariant-culture number formatting for every report.</summary>
public static class Format
{
    static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    /// <summary>A number, or "none" where it is unbounded (a rate per user when no token follows the first).</summary>
    public static string N(double v, string fmt = "0.##") => double.IsPositiveInfinity(v) ? "none" : v.ToString(fmt, Inv);
    public static string Pct(double v) => (100 * v).ToString("0.0", Inv) + "%";
    /// <summary>A signed percentage ("+4.0%", "-12.3%"), for errors against measurements.</summary>
    public static string SignedPct(double v) => (v >= 0 ? "+" : "") + Pct(v);
    public static string Seconds(double s) => s switch
    {
        double.PositiveInfinity => "none",
        >= 86400 * 365.25 => N(s / (86400 * 365.25), "0.##") + " years",
        >= 86400 => N(s / 86400, "0.##") + " days",
        >= 3600 => N(s / 3600, "0.##") + " h",
        >= 1 => N(s, "0.###") + " s",
        >= 1e-3 => N(s * 1e3, "0.###") + " ms",
        _ => N(s * 1e6, "0.#") + " µs",
    };
    public static string Sci(double v) => v.ToString("0.###e+0", Inv);

    /// <summary>A run's energy, or why there is none: a part whose power is not in the catalog (announced chips) has no energy, not zero.</summary>
    public static string Energy(Augur.Units.Joules e) =>
        e.Value > 0 ? N(e.MegawattHours, "#,0.#") + " MWh" : "no power figure (give the accelerator's tdp_w)";

    /// <summary>What a report adds after a serving layout whose engine runs without CUDA graphs (cuda_graphs: false).</summary>
    public static string Eager(bool cudaGraphs) => cudaGraphs ? "" : ", eager: no CUDA graphs";

    /// <summary>What a report adds after hypothetical hardware: whose calibration its prediction rests on.</summary>
    public static string Hypothetical(Augur.Domain.Hardware.Accelerator a) =>
        a.Status == Augur.Domain.Hardware.Accelerator.Hypothetical ? $"; hypothetical, {a.Family} calibration" : "";
}
