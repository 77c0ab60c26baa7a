using System.Text.Json.Nodes;
using Augur.CostModels.Analysis;
using Augur.Reports.Console;
using Augur.Reports.Json;
using Augur.Workflows.Claims;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Augur.Reports.Claims;

/// <summary>A throughput claim's per-chip requirement, read both ways, beside the vendor's figures and today's GPUs.</summary>
public static class ClaimReport
{
    public static IRenderable[] Tables(ClaimOutcome o)
    {
        var c = o.Claim;
        string p = c.Precision.ToString().ToLowerInvariant();
        var t = Render.Table(["tokens counted", "requests/s", $"{p} TFLOP/s per chip", "in prefill", "decode HBM TB/s per chip", "batch", .. o.Comparisons[0].Select(x => $"× {x.Accelerator} peak")]);
        for (int i = 0; i < o.Readings.Count; i++)
        {
            var r = o.Readings[i];
            t.AddRow([Counting(r), Format.N(r.RequestsPerSecond, "0"), Format.N(r.FlopsPerSecondPerChip.Tflops, "0"), Format.Pct(r.PrefillShare),
                Format.N(r.DecodeBytesPerSecondPerChip.TBps, "0.##"), r.Batch.ToString("N0", System.Globalization.CultureInfo.InvariantCulture),
                .. o.Comparisons[i].Select(x => Format.N(x.TimesPeak, "0.##"))]);
        }
        var lines = new List<IRenderable>
        {
            Render.Line($"claim: {Markup.Escape(c.Text)}"),
            Render.Line(FormattableString.Invariant($"setup: {c.Model.Name} on {c.Chips} × {c.HardwareName}, {p} weights, {c.InputTokens} input + {c.OutputTokens} output tokens per request, {c.TokensPerSecond:N0} tokens/s")),
            t,
        };
        lines.AddRange(Verdicts(o).Select(v => (IRenderable)Render.Line(v)));
        return lines.ToArray();
    }

    /// <summary>Plain-words conclusions: the phase that carries the work and whether the stated chip can supply it.</summary>
    public static IEnumerable<string> Verdicts(ClaimOutcome o)
    {
        var c = o.Claim;
        foreach (var r in o.Readings)
        {
            string phase = r.PrefillShare >= 0.5 ? "prefill-heavy: compute-bound" : "decode-heavy: bandwidth-bound";
            string line = $"counting {Counting(r)}: {phase} ({Format.Pct(r.PrefillShare)} of the FLOPs in prefill); each chip must sustain {Format.N(r.FlopsPerSecondPerChip.Tflops, "0")} TFLOP/s";
            if (c.Peak is { } peak)
            {
                double u = c.Utilization ?? 1;
                line += r.FlopsPerSecondPerChip.PerSecond <= peak.PerSecond * u
                    ? $", within the stated {Format.N(peak.Tflops, "0")} TFLOP/s{(c.Utilization is null ? "" : $" at {Format.Pct(u)}")}"
                    : $", more than the stated {Format.N(peak.Tflops, "0")} TFLOP/s{(c.Utilization is null ? "" : $" at {Format.Pct(u)}")} can give";
            }
            else if (c.Utilization is { } claimed)
                line += $" (the vendor states no peak; at its claimed {Format.Pct(claimed)} utilization that is a dense peak of at least {Format.N(r.FlopsPerSecondPerChip.Tflops / claimed, "0")} TFLOP/s per chip)";
            else line += " (the vendor states no peak)";
            if (c.HbmBandwidth is { } bw)
                line += r.DecodeBytesPerSecondPerChip.BytesPerSecond <= bw.BytesPerSecond
                    ? $"; decode needs {Format.N(r.DecodeBytesPerSecondPerChip.TBps, "0.##")} TB/s of the stated {Format.N(bw.TBps, "0.##")} TB/s HBM."
                    : $"; decode needs {Format.N(r.DecodeBytesPerSecondPerChip.TBps, "0.##")} TB/s, more than the stated {Format.N(bw.TBps, "0.##")} TB/s HBM.";
            else line += ".";
            yield return line;
        }
    }

    public static JsonObject Json(ClaimOutcome o) => new()
    {
        ["claim"] = o.Claim.Text,
        ["model"] = o.Claim.Model.Name,
        ["chips"] = o.Claim.Chips,
        ["tokens_per_s"] = JsonOut.Num(o.Claim.TokensPerSecond),
        ["readings"] = new JsonArray(o.Readings.Select((r, i) => (JsonNode)new JsonObject
        {
            ["tokens_counted"] = r.CountsInput ? "input_and_output" : "output",
            ["requests_per_s"] = JsonOut.Num(r.RequestsPerSecond),
            ["tflops_per_chip"] = JsonOut.Num(r.FlopsPerSecondPerChip.Tflops),
            ["prefill_share"] = JsonOut.Num(r.PrefillShare),
            ["decode_hbm_tb_s_per_chip"] = JsonOut.Num(r.DecodeBytesPerSecondPerChip.TBps),
            ["batch"] = r.Batch,
            ["versus"] = new JsonArray(o.Comparisons[i].Select(x => (JsonNode)new JsonObject
            {
                ["accelerator"] = x.Accelerator, ["times_peak"] = JsonOut.Num(x.TimesPeak), ["times_hbm_bandwidth"] = JsonOut.Num(x.TimesHbmBandwidth),
            }).ToArray()),
        }).ToArray()),
        ["verdicts"] = new JsonArray(Verdicts(o).Select(v => (JsonNode)JsonValue.Create(v)!).ToArray()),
        ["sources"] = new JsonArray(o.Claim.Sources.Select(s => (JsonNode)JsonValue.Create(s)!).ToArray()),
    };

    static string Counting(ClaimRequirement r) => r.CountsInput ? "input + output" : "output only";
}
