using System.Text.RegularExpressions;
using Augur.Domain;
using Augur.Domain.Frameworks;

namespace Augur.Export.Import;

/// <summary>
/// A Megatron-LM argument line read into a training scenario: the inverse of the Megatron export, with Megatron's
/// own defaults for what the line leaves out (degrees 1, expert TP = TP, fp32 without --bf16/--fp16, no overlap).
/// </summary>
static class MegatronImport
{
    public static (string Yaml, IReadOnlyList<string> Ignored) Read(FrameworkSpec f, IReadOnlyList<string> words, ImportRequest r, ModelSource models)
    {
        var line = ArgumentLine.Parse(f, words);
        var (modelText, model) = models.Given(r.Model ?? throw new InputException("give --model (a catalog name or a config.json path): a Megatron argument line does not name its model"));
        int tp = line.Int("--tensor-model-parallel-size") ?? 1, pp = line.Int("--pipeline-model-parallel-size") ?? 1;
        int cp = line.Int("--context-parallel-size") ?? 1;
        int vp = line.Value("--pipeline-model-parallel-layout") is { } layout ? VirtualStages(layout, pp) : line.Int("--num-virtual-stages-per-pipeline-rank") ?? 1;
        int gpus = r.Gpus ?? WorldSize(words) ?? throw new InputException("give --gpus: the argument line does not state the world size (Megatron takes it from the launcher, e.g. torchrun --nnodes and --nproc-per-node)");
        if (gpus % (tp * pp * cp) != 0)
            throw new InputException($"{gpus} GPUs do not divide into tp x pp x cp = {tp} x {pp} x {cp}; check --gpus");
        int dp = gpus / (tp * pp * cp);
        int micro = line.Int("--micro-batch-size") ?? throw new InputException("megatron --micro-batch-size is missing; Megatron requires it");
        int seq = line.Int("--seq-length") ?? throw new InputException("megatron --seq-length is missing; the scenario needs the sequence length");
        int batch = line.Int("--global-batch-size") ?? micro * dp;
        double? tokens = line.Int("--train-iters") is { } iters ? (double)iters * batch * seq
            : line.Int("--train-samples") is { } samples ? (double)samples * seq : null;
        var parallelism = new List<(string, object?)>
        {
            ("tp", tp), ("pp", pp), ("vp", vp), ("cp", cp), ("dp", dp),
        };
        if (model.IsMoe)
            parallelism.AddRange([("ep", line.Int("--expert-model-parallel-size") ?? 1), ("etp", line.Int("--expert-tensor-parallel-size") ?? tp)]);
        parallelism.AddRange([("sp", line.Has("--sequence-parallel") && tp > 1), ("zero", Zero(line)), ("microbatch", micro), ("recompute", Recompute(line))]);
        if (model.IsMoe && line.Has("--overlap-moe-expert-parallel-comm")) parallelism.Add(("ep_overlap", true));
        var training = new List<(string, object?)>
        {
            ("seq_len", seq), ("global_batch", batch), ("tokens", tokens),
            ("attention", line.Value("--attention-backend") == "unfused" ? "unfused" : null),
            ("overlap_dp", line.Has("--overlap-grad-reduce")),
            // The hybrid device optimizer's share on the host (--optimizer-offload-fraction, 1.0 by default in arguments.py).
            ("optimizer_offload", line.Has("--optimizer-cpu-offload") ? line.Number("--optimizer-offload-fraction") ?? 1.0 : null),
            ("routing", model.IsMoe && line.Has("--moe-router-force-load-balancing") ? "balanced" : null),
            // The flex dispatcher's backend: DeepEP (Megatron-core's default for it) or HybridEP.
            ("dispatcher", !model.IsMoe ? null : line.Value("--moe-token-dispatcher-type") switch
            {
                "flex" => (line.Value("--moe-flex-dispatcher-backend") ?? "deepep") switch { "hybridep" => "hybridep", _ => "deepep" },
                "allgather" => "allgather",
                _ => null,
            }),
        };
        var yaml = ScenarioYaml.Write($"imported by augur from a {f.Name} argument line; {ScenarioYaml.NotRead(line.Ignored)}",
            [("workload", "training"), ("model", ScenarioYaml.Name(modelText)), ("hardware", ScenarioYaml.Name(r.Hardware)), ("cluster", $"{{gpus: {gpus}}}"), ("precision", Precision(line))],
            [("parallelism", parallelism), ("training", training)]);
        return (yaml, line.Ignored);
    }

    /// <summary>
    /// Virtual stages per rank of a --pipeline-model-parallel-layout: its stages ('|'-separated, after Megatron's
    /// unrolling of (x)*n and x*n) over the pipeline ranks.
    /// </summary>
    static int VirtualStages(string layout, int pp)
    {
        string s = layout.Replace(",", "");
        s = Regex.Replace(s, @"\(([^)]+)\)\*(\d+)", m => string.Concat(Enumerable.Repeat(m.Groups[1].Value, int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture))));
        int stages = s.Split('|').Length;
        if (stages % pp != 0)
            throw new InputException($"megatron --pipeline-model-parallel-layout has {stages} stages, not a multiple of --pipeline-model-parallel-size {pp}");
        return stages / pp;
    }

    /// <summary>torchrun's --nnodes x --nproc-per-node (or --nproc_per_node) when the line includes the launcher.</summary>
    static int? WorldSize(IReadOnlyList<string> words)
    {
        int? Find(params string[] names)
        {
            for (int i = 0; i < words.Count; i++)
            {
                foreach (var n in names)
                {
                    string? v = words[i] == n && i + 1 < words.Count ? words[i + 1] : words[i].StartsWith(n + "=", StringComparison.Ordinal) ? words[i][(n.Length + 1)..] : null;
                    if (v is not null && int.TryParse(v, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int x) && x > 0) return x;
                }
            }
            return null;
        }
        return Find("--nnodes") is { } nodes && Find("--nproc-per-node", "--nproc_per_node") is { } each ? nodes * each : null;
    }

    static int Zero(ParsedLine line)
    {
        if (line.Has("--use-megatron-fsdp"))
            return (line.Value("--data-parallel-sharding-strategy") ?? "optim_grads_params") switch
            {
                "no_shard" => 0,
                "optim" => 1,
                "optim_grads" => 2,
                _ => 3,
            };
        return line.Has("--use-distributed-optimizer") ? 1 : 0;
    }

    static object Recompute(ParsedLine line)
    {
        switch (line.Value("--recompute-granularity"))
        {
            case "full": return "full";
            case "selective":
                var modules = line.Known.TryGetValue("--recompute-modules", out var m) ? m : ["core_attn"];
                return modules.Count == 1 && modules[0] == "core_attn" ? "selective" : modules;
            default: return "none";
        }
    }

    static string Precision(ParsedLine line) =>
        line.Has("--fp4-format") ? "fp4"
        : line.Has("--fp8-format") ? "fp8"
        : line.Has("--fp16") ? "fp16"
        : line.Has("--bf16") ? "bf16"
        : "fp32";
}
