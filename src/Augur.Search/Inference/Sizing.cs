using Augur.Domain;
using Augur.Domain.Workloads;

namespace Augur.Search.Inference;

/// <summary>Scales the winner to a target output rate in whole deployment units.</summary>
static class Sizing
{
    /// <summary>
    /// Aggregated: a unit is one replica. Disaggregated: the smallest group of whole prefill and decode replicas with
    /// the winner's P:D ratio. Units = ⌈target / (tokens/s per GPU × GPUs per unit)⌉.
    /// </summary>
    public static GpuSizing? For(ServingPoint w, double? target)
    {
        if (target is not { } t) return null;
        int g = w.Layout.GpusPerReplica;
        int unitGpus = g, decodeReplicas = 1;
        if (w.Mode == ServingMode.Disaggregated && w.Estimate.Disaggregated is { } d)
        {
            int p = d.PrefillGpus / g, q = d.DecodeGpus / g, k = Gcd(p, q);
            unitGpus = (p + q) / k * g;
            decodeReplicas = q / k;
        }
        double exact = Math.Ceiling(t / (w.TokensPerSecondPerGpu * unitGpus) - 1e-9);
        if (exact * unitGpus > MaxGpus)
            throw new InputException(FormattableString.Invariant(
                $"inference.target_output_tokens_per_s: {t:0.###e+0} tokens/s would need about {exact * unitGpus:0.#e+0} GPUs at {w.TokensPerSecondPerGpu:0} tokens/s per GPU; give a realistic target"));
        long units = Math.Max(1, (long)exact);
        return new GpuSizing(t, units * unitGpus, units, unitGpus, units * decodeReplicas * w.Batch);
    }

    /// <summary>More GPUs than any fleet holds: a target beyond this is a typo.</summary>
    const double MaxGpus = 1e9;

    static int Gcd(int a, int b) => b == 0 ? Math.Max(1, a) : Gcd(b, a % b);
}
