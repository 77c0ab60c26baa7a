using Augur.Domain;
using Augur.Domain.Frameworks;

namespace Augur.Export.Import;

/// <summary>
/// A <c>vllm serve</c> command read into a serving scenario: the inverse of the vLLM export. The model comes from
/// the command when the catalog cites its repository; the request shape is the caller's, since a server command
/// does not state it.
/// </summary>
static class VllmImport
{
    static readonly Dictionary<string, string> Aliases = new(StringComparer.Ordinal)
    {
        ["-tp"] = "--tensor-parallel-size",
        ["-pp"] = "--pipeline-parallel-size",
        ["-dp"] = "--data-parallel-size",
        ["-q"] = "--quantization",
    };

    public static (string Yaml, IReadOnlyList<string> Ignored) Read(FrameworkSpec f, IReadOnlyList<string> words, ImportRequest r, ModelSource models)
    {
        var line = ArgumentLine.Parse(f, words, Aliases);
        string? repository = line.Value("--model") ?? ServedModel(line.Positional);
        var (modelText, model) = r.Model is { } given ? models.Given(given)
            : repository is null ? throw new InputException("give --model: the command names no model (vllm serve MODEL ...)")
            : models.FromRepository(repository) ?? throw new InputException($"give --model (a catalog name or a config.json path): the catalog cites no model for the repository '{repository}'");
        if (r.InputTokens is not { } input || r.OutputTokens is not { } output)
            throw new InputException("give --input-tokens and --output-tokens: a serve command does not state the requests it will serve");
        int tp = line.Int("--tensor-parallel-size") ?? 1, pp = line.Int("--pipeline-parallel-size") ?? 1, dp = line.Int("--data-parallel-size") ?? 1;
        if (line.Int("--max-model-len") is { } maxLen && input + output > maxLen)
            throw new InputException($"--input-tokens + --output-tokens = {input + output} is longer than the command's --max-model-len {maxLen}");
        var weights = Weights(line);
        var parallelism = new List<(string, object?)> { ("tp", tp), ("pp", pp) };
        if (model.IsMoe)
            parallelism.AddRange([("ep", line.Has("--enable-expert-parallel") ? tp * dp : 1), ("dp_attention", dp)]);
        // --max-num-seqs caps each data-parallel rank; the scenario's concurrency is per engine.
        int? perRank = line.Int("--max-num-seqs");
        var inference = new List<(string, object?)>
        {
            ("input_tokens", input), ("output_tokens", output),
            ("concurrency", perRank * (model.IsMoe ? dp : 1)),
            ("kv_precision", Kv(line, weights)),
            ("memory_fraction", line.Number("--gpu-memory-utilization")),
            ("mode", "aggregated"),
            ("engine", "vllm"),
            ("cuda_graphs", line.Has("--enforce-eager") ? false : null),
            ("async_scheduling", line.Has("--async-scheduling") ? true : null),
        };
        int gpus = r.Gpus ?? tp * pp * dp;
        var yaml = ScenarioYaml.Write($"imported by augur from a {f.Name} command; {ScenarioYaml.NotRead(line.Ignored)}",
            [("workload", "inference"), ("model", ScenarioYaml.Name(modelText)), ("hardware", ScenarioYaml.Name(r.Hardware)), ("cluster", $"{{gpus: {gpus}}}"), ("precision", weights)],
            [("parallelism", parallelism), ("inference", inference)]);
        return (yaml, line.Ignored);
    }

    /// <summary>The word after <c>serve</c> (vllm serve MODEL), when the command has one.</summary>
    static string? ServedModel(IReadOnlyList<string> positional)
    {
        int serve = positional.ToList().IndexOf("serve");
        return serve >= 0 && serve + 1 < positional.Count ? positional[serve + 1] : null;
    }

    static string Weights(ParsedLine line) => line.Value("--quantization") switch
    {
        "fp8" => "fp8",
        "modelopt_fp4" => "fp4",
        null => line.Value("--dtype") switch
        {
            "float16" or "half" => "fp16",
            "float32" or "float" => "fp32",
            _ => "bf16",
        },
        var q => throw new InputException($"vllm --quantization {q}: Augur has no precision for it; use fp8 or modelopt_fp4, or leave it out"),
    };

    static string Kv(ParsedLine line, string weights) => line.Value("--kv-cache-dtype") switch
    {
        null or "auto" => weights is "fp16" or "fp32" ? weights : "bf16",
        "bfloat16" => "bf16",
        "float16" => "fp16",
        "nvfp4" => "fp4",
        var d when d.StartsWith("fp8", StringComparison.Ordinal) => "fp8",
        var d => throw new InputException($"vllm --kv-cache-dtype {d}: Augur has no KV precision for it; use auto, bfloat16, fp8 or nvfp4"),
    };
}
