using System.Globalization;
using Augur.Catalog.Loading;
using Augur.Domain;
using Augur.Domain.Hardware;
using Augur.Domain.Workloads;

namespace Augur.Workflows.Needs;

/// <summary>A hardware resource an inverse question or a sensitivity table varies, holding the rest fixed.</summary>
public enum Resource { HbmCapacity, HbmBandwidth, Flops, ScaleUpDomain, ScaleUpBandwidth, ScaleOutBandwidth, Gpus }

/// <summary>Names, units and scenario overrides of each <see cref="Resource"/>.</summary>
public static class Resources
{
    static readonly (Resource R, string Name, string Unit)[] Table =
    [
        (Resource.HbmCapacity, "hbm_gb", "GB per GPU"),
        (Resource.HbmBandwidth, "hbm_tb_s", "TB/s per GPU"),
        (Resource.Flops, "tflops", "dense TFLOP/s per GPU at the scenario's precision (other precisions scale alike)"),
        (Resource.ScaleUpDomain, "scale_up_domain", "GPUs"),
        (Resource.ScaleUpBandwidth, "scale_up_bandwidth", "GB/s per GPU, one direction"),
        (Resource.ScaleOutBandwidth, "scale_out_bandwidth", "GB/s per GPU, one direction"),
        (Resource.Gpus, "gpus", "GPUs"),
    ];

    public static IReadOnlyList<Resource> All => Table.Select(t => t.R).ToList();

    public static string Name(Resource r) => Table.First(t => t.R == r).Name;

    public static string Unit(Resource r) => Table.First(t => t.R == r).Unit;

    public static bool Whole(Resource r) => r is Resource.ScaleUpDomain or Resource.Gpus;

    public static Resource Parse(string text) =>
        Table.FirstOrDefault(t => t.Name.Equals(text.Trim(), StringComparison.OrdinalIgnoreCase)) is { Name: not null } hit ? hit.R
            : throw new InputException($"unknown resource '{text}'; use one of: {string.Join(", ", Table.Select(t => t.Name))}");

    /// <summary>
    /// Whole amounts worth probing up to <paramref name="max"/>, ascending. GPU counts: multiples of the scale-up domain
    /// of the form 2^k × {1, 1.25, 1.5, 1.75}, which layouts can fill (a prime multiple leaves data parallelism
    /// alone); scale-up domains: divisors of the GPU count, so no island is partial.
    /// </summary>
    public static IReadOnlyList<double> WholeAmounts(Resource r, Scenario s, double max)
    {
        var amounts = new SortedSet<double>();
        if (r == Resource.ScaleUpDomain)
        {
            for (long d = 1; d <= s.Cluster.Gpus && d <= max; d++)
                if (s.Cluster.Gpus % d == 0) amounts.Add(d);
            return amounts.ToList();
        }
        double unit = s.Cluster.ScaleUpDomain;
        for (double p = 1; unit * p <= max; p *= 2)
            foreach (double f in new[] { 1, 1.25, 1.5, 1.75 })
                if (p * f == Math.Floor(p * f) && unit * p * f <= max) amounts.Add(unit * p * f);
        return amounts.ToList();
    }

    /// <summary>The scenario's own amount, in the resource's unit.</summary>
    public static double Current(Resource r, Scenario s) => r switch
    {
        Resource.HbmCapacity => s.Cluster.Accelerator.HbmCapacity.Value / 1e9,
        Resource.HbmBandwidth => s.Cluster.Accelerator.HbmBandwidth.TBps,
        Resource.Flops => s.Cluster.Accelerator.Peak(s.Precision).Tflops,
        Resource.ScaleUpDomain => s.Cluster.ScaleUpDomain,
        Resource.ScaleUpBandwidth => s.Cluster.ScaleUpPerGpu.GBps,
        Resource.ScaleOutBandwidth => s.Cluster.ScaleOutPerGpu.GBps,
        _ => s.Cluster.Gpus,
    };

    /// <summary>The overrides that set the resource to <paramref name="value"/> in a scenario like <paramref name="s"/>.</summary>
    public static IReadOnlyList<ScenarioOverride> At(Resource r, Scenario s, double value)
    {
        string v = value.ToString("R", CultureInfo.InvariantCulture);
        return r switch
        {
            Resource.HbmCapacity => [new("hardware.hbm_gb", v)],
            Resource.HbmBandwidth => [new("hardware.hbm_tb_s", v)],
            Resource.Flops => Enum.GetValues<Precision>().Where(s.Cluster.Accelerator.Supports)
                .Select(p => new ScenarioOverride($"hardware.dense_tflops.{p.Label()}",
                    (s.Cluster.Accelerator.Peak(p).Tflops * value / Current(r, s)).ToString("R", CultureInfo.InvariantCulture))).ToList(),
            Resource.ScaleUpDomain => [new("cluster.scale_up_domain", v)],
            Resource.ScaleUpBandwidth => [new("cluster.scale_up_bandwidth", v + " GB/s")],
            Resource.ScaleOutBandwidth => [new("cluster.scale_out_bandwidth", v + " GB/s")],
            _ => [new("cluster.gpus", v)],
        };
    }
}
