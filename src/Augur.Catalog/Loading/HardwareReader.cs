using Augur.Catalog.Files;
using Augur.Domain;
using Augur.Domain.Hardware;
using Augur.Units;

namespace Augur.Catalog.Loading;

/// <summary>Maps accelerator and system files onto domain records, converting units at the edge.</summary>
public static class HardwareReader
{
    public static Accelerator Accelerator(MappingNode n)
    {
        var peaks = new FlopRate[PrecisionInfo.Count];
        var table = n.Mapping("dense_tflops");
        foreach (var (key, _) in table.Entries)
        {
            if (!PrecisionInfo.TryParse(key, out var p))
                throw new InputException($"{table.Path}: unknown precision '{key}'");
            if (table.OptionalNumber(key) is { } tf) peaks[(int)p] = FlopRate.FromTflops(tf);
        }
        return new Accelerator
        {
            Id = n.String("id"),
            Name = n.String("name"),
            Vendor = n.String("vendor"),
            Family = n.String("family"),
            DensePeak = peaks,
            HbmCapacity = Bytes.FromGB(n.Number("hbm_gb")),
            HbmBandwidth = Bandwidth.FromTBps(n.Number("hbm_tb_s")),
            Power = new Watts(n.OptionalNumber("tdp_w") ?? 0),
            DefaultSystem = n.String("default_system"),
            Year = n.OptionalInteger("year") ?? 0,
            Status = n.OptionalString("status") ?? "shipping",
            Sources = Sources(n),
            Notes = n.OptionalString("notes") ?? "",
        };
    }

    public static SystemSpec System(MappingNode n)
    {
        var up = n.Mapping("scale_up");
        var output = n.Mapping("scale_out");
        return new SystemSpec
        {
            Id = n.String("id"),
            Name = n.String("name"),
            AcceleratorId = n.String("accelerator"),
            Tiers = NetworkTiers.Checked([
                new NetworkTierSpec(TierKind.ScaleUp, up.OptionalString("name") ?? "scale-up", up.Integer("domain_size"),
                    Bandwidth.FromGBps(up.OptionalNumber("gb_s_per_gpu_one_way") ?? 0), InNetworkReduction: up.OptionalBool("in_network_reduction") ?? false),
                // A site's scale-out network joins as many GPUs as the job has; Cluster.From sets the count.
                new NetworkTierSpec(TierKind.ScaleOut, output.OptionalString("name") ?? "scale-out", int.MaxValue,
                    Bandwidth.FromGbitps(output.OptionalNumber("gbit_s_per_gpu") ?? 0)),
            ]),
            Sources = Sources(n),
            Notes = n.OptionalString("notes") ?? "",
        };
    }

    public static IReadOnlyList<string> Sources(MappingNode n) =>
        n.Get("sources") is SequenceNode s
            ? s.Items.OfType<ScalarNode>().Select(x => x.Text ?? "").Where(x => x.Length > 0).ToList()
            : [];
}
