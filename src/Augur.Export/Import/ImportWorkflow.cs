using Augur.Catalog.Loading;
using Augur.Domain;
using Augur.Domain.Models;
using Augur.Domain.Workloads;
using Augur.Workflows;

namespace Augur.Export.Import;

/// <summary>What <c>import</c> is told besides the command line: the hardware, and what the line may not say.</summary>
/// <param name="Model">A catalog name or config.json path; null to infer it from the line's Hugging Face model.</param>
/// <param name="Gpus">The cluster's GPUs; null to take them from the line (torchrun's --nnodes x --nproc-per-node, or one serving engine).</param>
public sealed record ImportRequest(string From, string Line, string Hardware, string? Model = null, int? Gpus = null, int? InputTokens = null, int? OutputTokens = null);

/// <summary>A scenario read back from a framework's command line: its YAML, the scenario it reads as, and what was not read.</summary>
public sealed record ImportOutcome(string Framework, IReadOnlyList<string> Ignored, string Yaml, Scenario Scenario);

/// <summary>
/// <c>import</c>: the reverse of export where it is simple: a Megatron-LM argument line or a vLLM serve command read
/// into a scenario YAML, which is then read by the one scenario reader so every check applies.
/// </summary>
public static class ImportWorkflow
{
    public static IReadOnlyList<string> Sources => ["megatron", "vllm"];

    /// <summary>Longest command line (or file holding one) read.</summary>
    public const int MaxLineLength = ArgumentLine.MaxLength;

    public static ImportOutcome Run(ImportRequest r, CatalogStore catalog, string baseDirectory = ".")
    {
        string id = r.From.Trim().ToLowerInvariant();
        if (!Sources.Contains(id)) throw new InputException($"--from {r.From}: augur reads {string.Join(" and ", Sources)} command lines");
        var framework = catalog.Framework(id);
        var words = ArgumentLine.Split(r.Line);
        if (words.Count == 0) throw new InputException("the command line is empty; pass the arguments in quotes, e.g. \"--tensor-model-parallel-size 8 ...\"");
        var model = new ModelSource(catalog, baseDirectory);
        var (yaml, ignored) = id == "megatron" ? MegatronImport.Read(framework, words, r, model) : VllmImport.Read(framework, words, r, model);
        var scenario = ScenarioLoader.FromYaml(catalog, yaml, baseDirectory: baseDirectory);
        return new ImportOutcome(id, ignored, yaml, scenario);
    }
}

/// <summary>Resolves the model an import names: a catalog name or path as given, or a Hugging Face repository the catalog cites.</summary>
sealed class ModelSource(CatalogStore catalog, string baseDirectory)
{
    public (string Text, ModelSpec Spec) Given(string text) => (text, new ScenarioReader(catalog).ReadModelName(text, baseDirectory));

    public (string Text, ModelSpec Spec)? FromRepository(string repository)
    {
        var entry = catalog.Models.FirstOrDefault(m => m.HuggingFace.Any(h => string.Equals(h, repository, StringComparison.OrdinalIgnoreCase)));
        return entry is null ? null : (entry.Id, entry.Spec);
    }
}
