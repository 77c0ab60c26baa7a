using System.Globalization;
using System.Text;
using System.Text.Json;
using Augur.Cli;

namespace Augur.Tests.Hardening;

/// <summary>
/// Mutated scenarios (wrong kinds, extreme numbers, missing and duplicated keys, sections of the other workload,
/// damaged text) run through the CLI entry point. Each must end in exit 0 with finite, non-negative headline
/// numbers, or exit 2 with exactly one <c>augur:</c> line — never an exception, another exit code or a NaN.
/// AUGUR_FUZZ_CASES sets the number of cases (default 2,000) for longer nightly runs.
/// </summary>
public class ScenarioFuzzTests
{
    const int DefaultCases = 2000;

    /// <summary>A scenario as ordered (key, value) pairs; a value is raw YAML text or a nested section.</summary>
    sealed class Node : List<(string Key, object Value)>
    {
        public Node Copy()
        {
            var n = new Node();
            foreach (var (k, v) in this) n.Add((k, v is Node c ? c.Copy() : v));
            return n;
        }
    }

    static Node Section(params (string, object)[] entries)
    {
        var n = new Node();
        n.AddRange(entries);
        return n;
    }

    static Node Training() => Section(
        ("workload", "training"), ("model", "llama3.1-8b"), ("hardware", "h100-sxm"),
        ("cluster", Section(("gpus", "16"))), ("precision", "bf16"),
        ("parallelism", Section(("tp", "2"), ("pp", "2"), ("zero", "1"), ("microbatch", "1"), ("recompute", "selective"))),
        ("training", Section(("seq_len", "4096"), ("global_batch", "64"), ("tokens", "1e12"))),
        ("run", Section(("usd_per_gpu_hour", "2.5"), ("pue", "1.2"))));

    static Node Inference() => Section(
        ("workload", "inference"), ("model", "qwen3-30b-a3b"), ("hardware", "h100-sxm"),
        ("cluster", Section(("gpus", "8"), ("scale_out_bandwidth", "'50 GB/s'"))), ("precision", "fp8"),
        ("parallelism", Section(("tp", "2"))),
        ("inference", Section(("input_tokens", "2000"), ("output_tokens", "200"), ("kv_precision", "fp8"), ("tpot_ms", "100"))));

    static Node Simulation()
    {
        var n = Inference();
        n[1] = ("model", "llama3.1-8b");
        n.Add(("simulation", Section(("requests", "30"), ("seed", "3"))));
        return n;
    }

    static readonly string[] Extremes =
    [
        "0", "-1", "1", "2", "1.5", "1e300", "-1e300", "1e-300", "5e-324", "NaN", ".nan", ".inf", "-.inf", "1e400",
        "2147483647", "2147483648", "-2147483648", "65536", "1048576", "1048577", "4294967296", "1e12", "0x10",
        "abc", "'5e-324 GB/s'", "'1e400 Gbit/s'", "'-3 GB/s'", "'50 GB'", "\"\"", "null", "~", "true", "[1, 2]", "{a: 1}", "[]", "{}", "'8'", "&x 4", "*x", "!!str 8", "-0",
    ];

    static readonly string[] Keys =
    [
        "gpus", "tp", "pp", "dp", "cp", "vp", "ep", "etp", "zero", "microbatch", "recompute", "dp_attention", "sp",
        "seq_len", "global_batch", "tokens", "flops", "input_tokens", "output_tokens", "concurrency", "mode",
        "prefill_gpus", "decode_gpus", "ttft_ms", "tpot_ms", "requests", "rate_per_s", "scale_up_bandwidth",
        "scale_out_bandwidth", "scale_up_domain", "pue", "usd_per_gpu_hour", "training", "inference", "objective", "model",
        "hardware", "workload", "memory_fraction", "draft_tokens", "acceptance", "output_tokens_cv", "slo_percentile",
    ];

    static readonly string[] Names = ["llama3.1-8b", "deepseek-v3", "h100-sxm", "b300", "tpu-v4", "tpu-v6e", "gb200-nvl72", "mi300x", "nonesuch", "/dev/null", ".", "{base: b300, hbm_gb: 432}", "{base: h100-sxm, hbm_gb: 1e300}", "{base: b300, hbm_tb_s: 5e-324}"];

    static void Mutate(Node root, Random rng)
    {
        var (node, i) = Pick(root, rng);
        switch (rng.Next(9))
        {
            case 0 or 1 or 2:
                if (i >= 0) node[i] = (node[i].Key, Extremes[rng.Next(Extremes.Length)]);
                break;
            case 3:
                if (i >= 0) node.RemoveAt(i);
                break;
            case 4:
                if (i >= 0) node.Add(node[i]); // duplicated key
                break;
            case 5:
                node.Add((Keys[rng.Next(Keys.Length)], rng.Next(2) == 0 ? Extremes[rng.Next(Extremes.Length)] : Section(("tp", "2"))));
                break;
            case 6:
                if (i >= 0) node[i] = (node[i].Key, Names[rng.Next(Names.Length)]);
                break;
            case 7:
                root.Add(rng.Next(2) == 0 ? ("training", Section(("seq_len", "4096"), ("global_batch", "64"))) : ("inference", Section(("input_tokens", "100"), ("output_tokens", "10"))));
                break;
            default:
                if (i >= 0) node[i] = (node[i].Key, Scale(rng));
                break;
        }
    }

    /// <summary>A plausible-looking number of a random size: powers of two and ten, the usual layout sizes.</summary>
    static string Scale(Random rng) =>
        rng.Next(3) switch
        {
            0 => (1L << rng.Next(0, 33)).ToString(CultureInfo.InvariantCulture),
            1 => "1e" + rng.Next(-12, 40).ToString(CultureInfo.InvariantCulture),
            _ => rng.Next(0, 5000).ToString(CultureInfo.InvariantCulture),
        };

    /// <summary>A random section (the root or one nested mapping) and a random entry in it (-1 when empty).</summary>
    static (Node Node, int Index) Pick(Node root, Random rng)
    {
        var node = root;
        if (rng.Next(3) > 0)
        {
            var nested = root.Where(e => e.Value is Node).ToList();
            if (nested.Count > 0) node = (Node)nested[rng.Next(nested.Count)].Value;
        }
        return (node, node.Count == 0 ? -1 : rng.Next(node.Count));
    }

    static string Yaml(Node n)
    {
        var sb = new StringBuilder();
        foreach (var (k, v) in n)
            sb.Append(k).Append(": ").Append(v is Node c ? "{" + string.Join(", ", c.Select(e => $"{e.Key}: {Flow(e.Value)}")) + "}" : (string)v).Append('\n');
        return sb.ToString();
    }

    static string Flow(object v) => v is Node c ? "{" + string.Join(", ", c.Select(e => $"{e.Key}: {Flow(e.Value)}")) + "}" : (string)v;

    static string Json(Node n) =>
        "{" + string.Join(", ", n.Select(e => $"\"{e.Key}\": {(e.Value is Node c ? Json(c) : JsonScalar((string)e.Value))}")) + "}";

    static string JsonScalar(string v) =>
        double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out _) && !v.Contains("NaN", StringComparison.OrdinalIgnoreCase) && !v.Contains("inf", StringComparison.OrdinalIgnoreCase) ? v : JsonSerializer.Serialize(v);

    /// <summary>Text damage: drop, duplicate or insert a character, or cut the file short.</summary>
    static string Damage(string text, Random rng)
    {
        if (text.Length == 0) return text;
        int at = rng.Next(text.Length);
        const string inserts = ":[]{}&*!|>-'\"#,?\t\n%@`";
        return rng.Next(4) switch
        {
            0 => text.Remove(at, 1),
            1 => text.Insert(at, text[at].ToString()),
            2 => text.Insert(at, inserts[rng.Next(inserts.Length)].ToString()),
            _ => text[..at],
        };
    }

    /// <summary>One generated case: the command line and the file text.</summary>
    internal static (string Command, string Text, bool IsJson, bool Tables) Case(int seed)
    {
        var rng = new Random(seed);
        int kind = rng.Next(100);
        // Estimates are cheap; plans and simulations are a small share so the run stays fast.
        var (command, scenario) = kind switch
        {
            < 45 => ("estimate", Training()),
            < 90 => ("estimate", Inference()),
            < 93 => ("plan", Training()),
            < 96 => ("plan", Inference()),
            _ => ("simulate", Simulation()),
        };
        int mutations = 1 + rng.Next(3);
        for (int m = 0; m < mutations; m++) Mutate(scenario, rng);
        bool json = rng.Next(10) == 0;
        string text = json ? Json(scenario) : Yaml(scenario);
        if (rng.Next(5) == 0) text = Damage(text, rng);
        return (command, text, json, rng.Next(8) == 0);
    }

    /// <summary>Runs one case; returns null when the outcome is acceptable, else what went wrong.</summary>
    internal static string? Check(int seed, string dir)
    {
        var (command, text, isJson, tables) = Case(seed);
        string path = Path.Combine(dir, $"case{seed}{(isJson ? ".json" : ".yaml")}");
        File.WriteAllText(path, text);
        var o = new StringWriter();
        var e = new StringWriter();
        int code;
        string[] args = tables ? [command, path] : [command, path, "--json"];
        try
        {
            code = AugurCli.Run(args, o, e);
        }
        catch (Exception ex)
        {
            return $"seed {seed}: {ex.GetType().Name}: {ex.Message.Split('\n')[0]}";
        }
        finally
        {
            File.Delete(path);
        }
        string output = o.ToString(), err = e.ToString();
        if (code == AugurCli.BadInput)
        {
            string[] lines = err.TrimEnd('\n').Split('\n');
            return lines.Length == 1 && lines[0].StartsWith("augur: ", StringComparison.Ordinal) && output.Length == 0
                ? null : $"seed {seed}: exit 2 with {lines.Length} error lines: {err}";
        }
        if (code != 0) return $"seed {seed}: exit {code}: {err}";
        if (tables)
            return output.Contains("NaN", StringComparison.Ordinal) || output.Contains("Infinity", StringComparison.Ordinal) || output.Contains('∞')
                ? $"seed {seed}: tables print a non-number" : null;
        return Headline(JsonDocument.Parse(output).RootElement) is { } bad ? $"seed {seed}: {bad}" : null;
    }

    /// <summary>The numbers a reader acts on: present and non-negative (JSON cannot hold a NaN, so a non-finite one shows as null).</summary>
    static string? Headline(JsonElement doc)
    {
        // A plan's document holds the winner's estimate under "best".
        if (doc.TryGetProperty("best", out var best) && best.ValueKind == JsonValueKind.Object) doc = best;
        if (doc.TryGetProperty("estimate", out var est) && est.ValueKind == JsonValueKind.Object) doc = est;
        bool fits = !doc.TryGetProperty("fits", out var f) || f.ValueKind != JsonValueKind.False;
        string[] always = ["memory_gib_per_gpu"];
        string[] ifRuns = doc.TryGetProperty("step_time_s", out _)
            ? ["step_time_s", "tokens_per_s_per_gpu", "mfu"]
            : ["ttft_s", "output_tokens_per_s_per_gpu"];
        foreach (var key in always.Concat(fits ? ifRuns : []))
        {
            // A simulation reports percentiles under the key; Negative below checks each.
            if (!doc.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Object) continue;
            if (v.ValueKind != JsonValueKind.Number) return $"{key} is {v.ValueKind}";
            if (!(v.GetDouble() >= 0)) return $"{key} = {v.GetDouble()}";
        }
        return Negative(doc, "");
    }

    /// <summary>Any negative number anywhere in the document (nothing Augur reports is below zero).</summary>
    static string? Negative(JsonElement e, string path)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var p in e.EnumerateObject())
                    if (Negative(p.Value, path + "." + p.Name) is { } bad) return bad;
                return null;
            case JsonValueKind.Array:
                int i = 0;
                foreach (var item in e.EnumerateArray())
                    if (Negative(item, $"{path}[{i++}]") is { } bad) return bad;
                return null;
            case JsonValueKind.Number:
                return e.GetDouble() < 0 ? $"{path} = {e.GetDouble()}" : null;
            default:
                return null;
        }
    }

    [Fact]
    public void Mutated_scenarios_end_in_an_answer_or_one_line()
    {
        int cases = int.TryParse(Environment.GetEnvironmentVariable("AUGUR_FUZZ_CASES"), out int n) && n > 0 ? n : DefaultCases;
        string dir = Directory.CreateTempSubdirectory().FullName;
        var failures = new List<string>();
        for (int seed = 0; seed < cases; seed++)
            if (Check(seed, dir) is { } failure) failures.Add(failure);
        Assert.True(failures.Count == 0, $"{failures.Count} of {cases} cases failed:\n" + string.Join("\n", failures.Take(20)));
    }
}
