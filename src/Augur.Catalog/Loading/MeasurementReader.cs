using Augur.Catalog.Files;
using Augur.Domain;
using Augur.Domain.Hardware;
using Augur.Units;

namespace Augur.Catalog.Loading;

/// <summary>
/// Reads one kernel-measurement folder (catalog/measurements/&lt;id&gt;/): source.yaml says what was measured and how;
/// gemm.csv, memory.csv, attention.csv and sustained.csv hold the timings tools/measure/hopper_kernels.py wrote.
/// </summary>
public static class MeasurementReader
{
    public static KernelMeasurementSet Read(string folder, MappingNode source, IReadOnlyDictionary<string, string> tables)
    {
        string Table(string file) => tables.TryGetValue(file, out var t) ? t
            : throw new InputException($"measurements/{folder}: missing {file}");
        string name(string file) => $"measurements/{folder}/{file}";
        var set = new KernelMeasurementSet
        {
            Id = source.String("id"),
            AcceleratorId = source.String("accelerator"),
            Device = source.String("device"),
            MeasuredOn = source.String("measured_on"),
            Software = source.String("software"),
            Source = source.String("source"),
            // The fused MoE and attention tables may say how they were measured apart from the GEMMs.
            Method = string.Join(" ", new[] { source.String("method"), source.OptionalString("moe_method"), source.OptionalString("attention_method") }.OfType<string>()),
            FittedGroups = source.Get("fitted_groups") is SequenceNode fitted
                ? fitted.Items.OfType<ScalarNode>().Select(x => x.Text ?? "").ToList() : [],
            Gemms = Gemms(new CsvTable(Table("gemm.csv"), name("gemm.csv"))),
            Copies = Copies(new CsvTable(Table("memory.csv"), name("memory.csv"))),
            Attention = Attention(new CsvTable(Table("attention.csv"), name("attention.csv"))),
            Sustained = Sustained(new CsvTable(Table("sustained.csv"), name("sustained.csv"))),
            MoeLayers = tables.TryGetValue("moe.csv", out var moe) ? MoeLayers(new CsvTable(moe, name("moe.csv"))) : [],
        };
        if (source.OptionalMapping("serves") is { } serves) set = set with { Serves = Serves(serves, set) };
        return source.OptionalMapping("trains") is { } trains ? set with { Trains = Trains(trains, set) } : set;
    }

    /// <summary>
    /// <c>trains: {accelerators, precisions, input_quantize?, why}</c>. Training interpolates each precision's rows over m
    /// and n·k as serving does, so each needs the same grid; <c>input_quantize: {fp8: {bytes_per_element, kernels}}</c>
    /// says what a precision's row timed besides its GEMM.
    /// </summary>
    static TrainingGemmScope Trains(MappingNode n, KernelMeasurementSet set)
    {
        n.RequireOnly("accelerators", "precisions", "input_quantize", "why");
        var precisions = Precisions(n);
        foreach (var p in precisions) CheckGrid(n, set, p, "training");
        var quantize = new Dictionary<Precision, RowQuantize>();
        if (n.OptionalMapping("input_quantize") is { } q)
            foreach (var (key, node) in q.Entries)
            {
                if (!PrecisionInfo.TryParse(key, out var p) || !precisions.Contains(p))
                    throw new InputException($"{q.Path}.{key}: not one of this set's training precisions ({string.Join(", ", precisions.Select(x => x.Label()))})");
                var m = node as MappingNode ?? throw new InputException($"{q.Path}.{key}: expected {{bytes_per_element, kernels}}");
                m.RequireOnly("bytes_per_element", "kernels");
                quantize[p] = new RowQuantize(
                    m.Number("bytes_per_element", 0, 16, "a quantize moves a few bytes per element"),
                    m.Integer("kernels", 0, 8, "a quantize launches one or two kernels"));
            }
        return new TrainingGemmScope(Names(n, "accelerators"), precisions, quantize, n.String("why"));
    }

    /// <summary>A precision's plain rows cover every (m, n·k) pair of their grid, with two or more m, for <paramref name="user"/> to interpolate.</summary>
    static void CheckGrid(MappingNode n, KernelMeasurementSet set, Precision p, string user)
    {
        var rows = set.Gemms.Where(g => g.Precision == p && g.Groups == 1).ToList();
        int ms = rows.Select(g => g.M).Distinct().Count(), sizes = rows.Select(g => g.N * g.K).Distinct().Count();
        int pairs = rows.Select(g => (g.M, g.N * g.K)).Distinct().Count();
        if (ms < 2 || sizes < 1 || pairs != ms * sizes)
            throw new InputException($"{n.Path}.precisions: the {p.Label()} rows do not cover every (m, n·k) pair of their grid ({pairs} of {ms} x {sizes}) with at least two m; {user} interpolates between them");
    }

    /// <summary>
    /// <c>serves: {accelerators, precisions, decode_attention?, moe?, why}</c>. Serving interpolates each precision's rows over
    /// batch m and weight size n·k, so every listed precision needs a plain (ungrouped) row at every (m, n·k) pair of its
    /// grid. <c>decode_attention: true</c> says the decode rows of attention.csv are the engine's own decode attention, each
    /// at its KV cache precision; serving interpolates one precision's rows over (sequence, KV head) pairs and keys, so
    /// each precision's rows need two of each. <c>prefill_attention: true</c> says the same of its 16-bit causal prefill rows,
    /// interpolated over (sequence, head) pairs and prompt length.
    /// </summary>
    static EngineLinearScope Serves(MappingNode n, KernelMeasurementSet set)
    {
        n.RequireOnly("accelerators", "precisions", "decode_attention", "prefill_attention", "why", "moe");
        var precisions = Precisions(n);
        foreach (var p in precisions) CheckGrid(n, set, p, "serving");
        bool decode = n.OptionalBool("decode_attention") ?? false;
        var caches = set.DecodeRows.GroupBy(s => s.KvPrecision).ToList();
        if (decode && (caches.Count == 0 || caches.Any(c => !SpansGrid(c, s => s.Batch * s.KvHeads, s => s.KeyTokens))))
            throw new InputException($"{n.Path}.decode_attention: attention.csv needs decode rows (q_len 1) at two or more batch x kv_heads and two or more kv_len for each kv_precision; serving interpolates between them");
        bool prefill = n.OptionalBool("prefill_attention") ?? false;
        if (prefill && !SpansGrid(set.PrefillRows, s => s.Batch * s.Heads, s => s.QueryTokens))
            throw new InputException($"{n.Path}.prefill_attention: attention.csv needs 16-bit causal prefill rows at two or more batch x heads and two or more prompt lengths; serving interpolates between them");
        return new EngineLinearScope(Names(n, "accelerators"), precisions, n.String("why"))
        {
            Moe = n.OptionalMapping("moe") is { } m ? MoeScope(m, set.MoeLayers) : null,
            DecodeAttention = decode,
            PrefillAttention = prefill,
        };
    }

    /// <summary>Whether <paramref name="rows"/> hold two or more values of each coordinate of the grid serving interpolates them on.</summary>
    static bool SpansGrid(IEnumerable<AttentionSample> rows, Func<AttentionSample, double> x, Func<AttentionSample, double> y) =>
        rows.Select(x).Distinct().Count() >= 2 && rows.Select(y).Distinct().Count() >= 2;

    /// <summary>
    /// <c>serves.moe: {path, precisions, includes_routing, why}</c>. Serving interpolates each shape's rows over the tokens, so every listed
    /// precision needs rows of the path at two or more token counts of each shape it has.
    /// </summary>
    static EngineMoeScope MoeScope(MappingNode n, IReadOnlyList<MoeLayerSample> moe)
    {
        n.RequireOnly("path", "precisions", "includes_routing", "why");
        string path = n.String("path");
        var precisions = Precisions(n);
        foreach (var p in precisions)
        {
            var shapes = moe.Where(m => m.Precision == p && m.Path == path).GroupBy(m => (m.Hidden, m.ExpertFfn / m.Tp, m.Experts / m.Ep, m.TopK)).ToList();
            if (shapes.Count == 0 || shapes.Any(g => g.Select(m => m.Tokens).Distinct().Count() != g.Count() || g.Count() < 2))
                throw new InputException($"{n.Path}.precisions: the {p.Label()} {path} rows of moe.csv need two or more distinct token counts for each shape; serving interpolates between them");
        }
        bool routing = n.OptionalBool("includes_routing")
                       ?? throw new InputException($"{n.Path}.includes_routing: say whether the rows' time holds the router's softmax and top-k (true or false)");
        return new EngineMoeScope(path, precisions, routing, n.String("why"));
    }

    static List<string> Names(MappingNode n, string key) => n.Get(key) is SequenceNode { Items.Count: > 0 } seq
        ? seq.Items.Select(i => i is ScalarNode { Text: { Length: > 0 } t } ? t : throw new InputException($"{i.Path}: expected a name")).ToList()
        : throw new InputException($"{n.Path}.{key}: give a list of one or more names");

    static List<Precision> Precisions(MappingNode n) => Names(n, "precisions").Select(t => PrecisionInfo.TryParse(t, out var p) ? p
        : throw new InputException($"{n.Path}.precisions: unknown precision '{t}'; use bf16, fp16, fp8 or fp4")).ToList();

    /// <summary>A measurement folder on disk (what tools/measure/hopper_kernels.py wrote, plus its source.yaml).</summary>
    public static KernelMeasurementSet ReadFolder(string path)
    {
        if (!Directory.Exists(path)) throw new InputException($"'{path}' is not a folder; give a measurement set id (augur calibrate --help) or a folder holding source.yaml and the CSV tables");
        string sourcePath = Path.Combine(path, "source.yaml");
        if (!File.Exists(sourcePath)) throw new InputException($"{path}: no source.yaml saying what was measured and how (see catalog/measurements/*/source.yaml)");
        var source = DataReader.ReadFile(sourcePath) as MappingNode
                     ?? throw new InputException($"{sourcePath}: expected a mapping (id, accelerator, device, measured_on, software, source, method)");
        var tables = Directory.GetFiles(path, "*.csv").ToDictionary(f => Path.GetFileName(f), File.ReadAllText, StringComparer.Ordinal);
        return Read(Path.GetFileName(Path.GetFullPath(path).TrimEnd(Path.DirectorySeparatorChar)), source, tables);
    }

    static Precision ParsePrecision(CsvTable.Row r, string column = "precision") =>
        PrecisionInfo.TryParse(r.Text(column), out var p) ? p
            : throw new InputException($"{r.Where}: unknown {column} '{r.Text(column)}'; use bf16, fp16, fp8, fp4 or fp32");

    static List<GemmSample> Gemms(CsvTable t)
    {
        var list = new List<GemmSample>();
        foreach (var r in t.Rows)
        {
            double s = r.Number("seconds");
            if (double.IsNaN(s)) continue; // a shape the library refused (recorded with its error)
            string label = r.Text("shape");
            // Batched expert GEMMs are labelled "… x<E> experts (bmm)".
            int groups = 1;
            int at = label.LastIndexOf(" x", StringComparison.Ordinal);
            if (label.EndsWith("experts (bmm)", StringComparison.Ordinal)
                && !(at >= 0 && int.TryParse(label[(at + 2)..].Split(' ')[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out groups) && groups > 0))
                throw new InputException($"{r.Where}: batched GEMM '{label}' does not say its expert count as '… x<N> experts (bmm)'");
            list.Add(new GemmSample(ParsePrecision(r), groups, r.Number("m"), r.Number("n"), r.Number("k"), label, new Seconds(s)));
        }
        return list;
    }

    // Rows whose time is NaN are shapes the library refused (the script records them): skipped.
    static List<CopySample> Copies(CsvTable t) =>
        t.Rows.Where(r => !double.IsNaN(r.Number("seconds"))).Select(r => new CopySample(new Bytes(r.Number("bytes")), r.Text("kind") != "copy-ungraphed", new Seconds(r.Number("seconds")))).ToList();

    static List<AttentionSample> Attention(CsvTable t) =>
        t.Rows.Where(r => !double.IsNaN(r.Number("fwd_seconds"))).Select(r =>
        {
            double fb = r.Number("fwd_bwd_seconds");
            double d = r.Number("head_dim");
            // Tables from the script's first version have no v_dim column: value width = query width.
            double dv = t.Has("v_dim") ? r.Number("v_dim") : d;
            return new AttentionSample(Phase(r), r.Text("backend"), r.Number("batch"), r.Number("heads"), r.Number("kv_heads"),
                r.Number("q_len"), r.Number("kv_len"), d, dv, new Seconds(r.Number("fwd_seconds")),
                double.IsNaN(fb) ? null : new Seconds(fb)) { KvPrecision = t.Has("kv_precision") ? ParsePrecision(r, "kv_precision") : Precision.BF16 };
        }).ToList();

    static AttentionPhase Phase(CsvTable.Row r) => r.Text("phase") switch
    {
        "prefill" => AttentionPhase.Prefill,
        "chunk" => AttentionPhase.Chunk,
        "decode" => AttentionPhase.Decode,
        var p => throw new InputException($"{r.Where}: unknown attention phase '{p}'; use prefill (causal), chunk (no mask) or decode"),
    };

    /// <summary>moe.csv: precision, path, tokens, hidden, expert_ffn, experts, top_k, tp, ep, seconds, model.</summary>
    static List<MoeLayerSample> MoeLayers(CsvTable t) =>
        t.Rows.Select(r =>
        {
            int Count(string key) => (int)r.Number(key) is var v and > 0 && v == r.Number(key) ? v
                : throw new InputException($"{r.Where}: {key} must be a positive whole number");
            double tokens = Count("tokens");
            int experts = Count("experts"), ep = Count("ep");
            if (experts % ep != 0 || Count("top_k") > experts)
                throw new InputException($"{r.Where}: {experts} experts do not split over ep {ep}, or top_k exceeds them");
            return new MoeLayerSample(ParsePrecision(r), r.Text("path"), tokens, Count("hidden"), Count("expert_ffn"), experts, Count("top_k"),
                Count("tp"), ep, r.Text("model"), new Seconds(r.Number("seconds")));
        }).ToList();

    static List<SustainedSample> Sustained(CsvTable t) =>
        t.Rows.Where(r => !double.IsNaN(r.Number("tflops"))).Select(r => new SustainedSample(ParsePrecision(r), new Seconds(r.Number("elapsed_s")), FlopRate.FromTflops(r.Number("tflops")),
            new Watts(r.Number("power_w")), r.Number("sm_clock_mhz"))).ToList();
}
