using Augur.Catalog.Files;
using Augur.Domain;

namespace Augur.Catalog.Loading;

/// <summary>Reads catalog model files: metadata around a HuggingFace config.json mapping.</summary>
public static class ModelReader
{
    public static ModelEntry Entry(MappingNode n)
    {
        string id = n.String("id");
        var sources = HardwareReader.Sources(n);
        var spec = HfConfigReader.Read(n.Mapping("config"), id, sources.Count > 0 ? sources[0] : "");
        return new ModelEntry(id, spec,
            n.OptionalNumber("published_total_params_b") ?? 0,
            n.OptionalNumber("published_active_params_b") ?? 0,
            sources, n.OptionalString("notes") ?? "")
        {
            HuggingFace = n.Get("huggingface") is SequenceNode hf ? hf.Items.OfType<ScalarNode>().Select(x => x.Text ?? "").Where(x => x.Length > 0).ToList() : [],
        };
    }

    /// <summary>A user's own HuggingFace config.json (or YAML with the same fields).</summary>
    public static Domain.Models.ModelSpec FromFile(string path)
    {
        var node = DataReader.ReadFile(path);
        if (node is not MappingNode map) throw new InputException($"{path}: expected a JSON object of config.json fields");
        return HfConfigReader.Read(map, Path.GetFileNameWithoutExtension(path) is "config" ? Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(path))) ?? path : Path.GetFileNameWithoutExtension(path), $"file {path}");
    }
}
