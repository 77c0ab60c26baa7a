namespace Augur.CostModels.Inference;

/// <summary>Which experts a batch of tokens reaches, assuming uniform routing (MODELING.md §6).</summary>
public static class ExpertRouting
{
    /// <summary>
    /// Expected distinct experts touched in one MoE layer by <paramref name="tokens"/> tokens each picking
    /// top-<paramref name="topK"/> of <paramref name="experts"/>: E·(1 − (1 − k/E)^T).
    /// </summary>
    public static double DistinctExperts(int experts, int topK, double tokens)
    {
        if (tokens <= 0 || experts <= 0) return 0;
        return experts * (1 - Math.Pow(1 - (double)topK / experts, tokens));
    }
}

/// <summary>Speculative decoding yield (Leviathan et al. 2023).</summary>
public static class SpeculativeDecoding
{
    /// <summary>
    /// Expected tokens accepted per verification step with γ = <paramref name="draftTokens"/> drafts of
    /// per-token acceptance α: (1 − α^(γ+1)) / (1 − α); 1 without drafts.
    /// </summary>
    public static double ExpectedTokens(int draftTokens, double acceptance)
    {
        if (draftTokens <= 0) return 1.0;
        if (acceptance >= 1) return draftTokens + 1.0;
        return (1 - Math.Pow(acceptance, draftTokens + 1)) / (1 - acceptance);
    }
}
