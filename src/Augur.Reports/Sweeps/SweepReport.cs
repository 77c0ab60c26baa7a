using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Augur.Reports.Console;
using Augur.Reports.Json;
using Augur.Workflows.Sweeps;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Augur.Reports.Sweeps;

/// <summary>A sweep's points as a table, CSV rows and JSON lines; every format has the same columns in the same order.</summary>
public static class SweepReport
{
    static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Columns after the index and the varied keys.</summary>
    public static readonly string[] MetricColumns =
    [
        "status", "message", "layout", "step_time_s", "tokens_per_s_per_gpu", "mfu", "memory_gib_per_gpu", "bottleneck",
        "time_to_train_days", "ttft_s", "tpot_s", "tokens_per_s_per_user", "usd_per_million_output_tokens",
    ];

    static IEnumerable<(string Name, object? Value)> Values(SweepPoint p)
    {
        var m = p.Metrics;
        yield return ("status", Status(p.Status));
        yield return ("message", p.Message);
        yield return ("layout", m.Layout);
        yield return ("step_time_s", m.StepTimeSeconds);
        yield return ("tokens_per_s_per_gpu", m.TokensPerSecondPerGpu);
        yield return ("mfu", m.Mfu);
        yield return ("memory_gib_per_gpu", m.MemoryGiBPerGpu);
        yield return ("bottleneck", m.Bottleneck);
        yield return ("time_to_train_days", m.TimeToTrainDays);
        yield return ("ttft_s", m.TtftSeconds);
        yield return ("tpot_s", m.TpotSeconds);
        yield return ("tokens_per_s_per_user", m.TokensPerSecondPerUser);
        yield return ("usd_per_million_output_tokens", m.UsdPerMillionOutputTokens);
    }

    public static string Status(SweepStatus s) => s switch
    {
        SweepStatus.Ok => "ok",
        SweepStatus.NoFit => "no-fit",
        _ => "refused",
    };

    public static string CsvHeader(SweepGrid grid) => string.Join(",", new[] { "index" }.Concat(grid.Axes.Select(a => CsvField.Of(a.Key))).Concat(MetricColumns));

    public static string CsvRow(SweepPoint p) => string.Join(",",
        new[] { p.Index.ToString(Inv) }.Concat(p.Settings.Select(CsvField.Of)).Concat(Values(p).Select(v => CsvField.Of(Text(v.Value)))));

    public static string JsonLine(SweepGrid grid, SweepPoint p) => Json(grid, p).ToJsonString();

    public static JsonObject Json(SweepGrid grid, SweepPoint p)
    {
        var settings = new JsonObject();
        for (int i = 0; i < grid.Axes.Count; i++) settings[grid.Axes[i].Key] = p.Settings[i];
        var o = new JsonObject { ["index"] = p.Index, ["settings"] = settings };
        foreach (var (name, value) in Values(p))
            o[name] = value switch { double d => JsonOut.Num(d), string s => s, _ => null };
        return o;
    }

    /// <summary>The whole sweep as one document (for --json), points in index order.</summary>
    public static JsonObject Document(SweepGrid grid, IReadOnlyList<SweepPoint> points) => new()
    {
        ["axes"] = new JsonArray(grid.Axes.Select(a => (JsonNode)new JsonObject
        {
            ["key"] = a.Key, ["values"] = new JsonArray(a.Values.Select(v => (JsonNode)JsonValue.Create(v)!).ToArray()),
        }).ToArray()),
        ["points"] = new JsonArray(points.Select(p => (JsonNode)Json(grid, p)).ToArray()),
    };

    /// <summary>The counts by status and the best <paramref name="top"/> points by tokens/s per GPU.</summary>
    public static IRenderable[] Tables(SweepGrid grid, IReadOnlyList<SweepPoint> points, int top)
    {
        var best = points.Where(p => p.Status == SweepStatus.Ok).OrderByDescending(p => p.Metrics.TokensPerSecondPerGpu).ThenBy(p => p.Index).Take(top).ToList();
        bool training = points.Any(p => p.Metrics.StepTimeSeconds is not null);
        bool days = points.Any(p => p.Metrics.TimeToTrainDays is not null);
        string[] metrics = training ? ["step", "tok/s/GPU", "MFU", .. days ? new[] { "days" } : [], "GiB/GPU", "bottleneck"]
            : ["tok/s/GPU", "tok/s/user", "TTFT", "$/M tok", "GiB/GPU", "bottleneck"];
        var t = Render.Table([.. grid.Axes.Select(a => a.Key), "layout", .. metrics]);
        foreach (var p in best)
        {
            var m = p.Metrics;
            string[] values = training
                ? [Format.Seconds(m.StepTimeSeconds!.Value), Format.N(m.TokensPerSecondPerGpu!.Value, "0"), Format.Pct(m.Mfu!.Value),
                    .. days ? new[] { m.TimeToTrainDays is { } d ? Format.N(d, "0.#") : "" } : [], Format.N(m.MemoryGiBPerGpu!.Value, "0.0"), m.Bottleneck ?? ""]
                : [Format.N(m.TokensPerSecondPerGpu!.Value, "0"), Format.N(m.TokensPerSecondPerUser!.Value, "0.#"), Format.Seconds(m.TtftSeconds!.Value),
                    Format.N(m.UsdPerMillionOutputTokens!.Value, "0.###"), Format.N(m.MemoryGiBPerGpu!.Value, "0.0"), m.Bottleneck ?? ""];
            t.AddRow([.. p.Settings.Select(Markup.Escape), Markup.Escape(m.Layout ?? ""), .. values]);
        }
        int ok = points.Count(p => p.Status == SweepStatus.Ok), noFit = points.Count(p => p.Status == SweepStatus.NoFit);
        var lines = new List<IRenderable>
        {
            Render.Line(FormattableString.Invariant($"{points.Count:N0} points: {ok:N0} ok, {noFit:N0} do not fit, {points.Count - ok - noFit:N0} refused; best {best.Count} by tokens/s per GPU:")),
            t,
        };
        if (points.FirstOrDefault(p => p.Status == SweepStatus.Refused) is { } r)
            lines.Add(Render.Line($"first refused point ({string.Join(", ", grid.Axes.Select((a, i) => $"{a.Key}={r.Settings[i]}"))}): {r.Message}"));
        return lines.ToArray();
    }

    static string Text(object? v) => v switch
    {
        double d => d.ToString("G6", Inv),
        string s => s,
        _ => "",
    };

}
