namespace Augur.CostModels.Inference;

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
