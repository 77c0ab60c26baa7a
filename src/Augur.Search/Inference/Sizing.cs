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
        int units = (int)Math.Ceiling(t / (w.TokensPerSecondPerGpu * unitGpus) - 1e-9);
        units = Math.Max(1, units);
        return new GpuSizing(t, units * unitGpus, units, unitGpus, (long)units * decodeReplicas * w.Batch);
    }

    static int Gcd(int a, int b) => b == 0 ? Math.Max(1, a) : Gcd(b, a % b);
}
