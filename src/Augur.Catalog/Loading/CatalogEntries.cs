using Augur.Domain.Models;

namespace Augur.Catalog.Loading;

/// <summary>A catalog model: its architecture plus the published parameter counts and where they come from.</summary>
public sealed record ModelEntry(string Id, ModelSpec Spec, double PublishedTotalB, double PublishedActiveB, IReadOnlyList<string> Sources, string Notes)
{
    /// <summary>Hugging Face repositories that hold this model (the first is what serving engines load); empty when none is cited.</summary>
    public IReadOnlyList<string> HuggingFace { get; init; } = [];
}
