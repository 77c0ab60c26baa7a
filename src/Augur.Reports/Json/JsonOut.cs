using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Augur.Reports.Json;

/// <summary>Writes the stable JSON documents of --json (keys in a fixed order, invariant numbers).</summary>
public static class JsonOut
{
    static readonly JsonSerializerOptions Options = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void Write(TextWriter writer, JsonNode node) => writer.WriteLine(node.ToJsonString(Options));

    /// <summary>Rounds to 6 significant digits so documents are stable across tiny floating-point changes.</summary>
    public static JsonNode Num(double v)
    {
        if (!double.IsFinite(v)) return JsonValue.Create((string?)null)!;
        if (v == 0) return JsonValue.Create(0.0);
        double r = Math.Round(v, Math.Clamp(5 - (int)Math.Floor(Math.Log10(Math.Abs(v))), 0, 15));
        return JsonValue.Create(Math.Abs(v) >= 1e15 ? v : r);
    }
}
