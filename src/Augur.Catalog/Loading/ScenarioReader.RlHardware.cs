using Augur.Catalog.Files;
using Augur.Domain;
using Augur.Domain.Hardware;
using Augur.Domain.Models;
using Augur.Domain.Workloads;

namespace Augur.Catalog.Loading;

/// <summary>
/// <c>rl.generator.hardware</c> (and <c>rl.generator.cluster</c>): the generator pool on hardware of its own, read by
/// the same code as the scenario's <c>hardware</c> and <c>cluster</c>, so a catalog name, an inline mapping and
/// <c>--set rl.generator.hardware=...</c> meet the same checks; the pool's size stays <c>rl.generator.gpus</c>.
/// </summary>
public sealed partial class ScenarioReader
{
    RlPoolHardware? ReadGeneratorHardware(MappingNode g, RlPlacement placement, int gpus, ModelSpec model)
    {
        if (!g.Has("hardware"))
        {
            foreach (var key in new[] { "cluster", "usd_per_gpu_hour" })
                if (g.Get(key) is { } n) throw new InputException($"{n.Path}: describes the generators' own hardware; set rl.generator.hardware too, or remove it");
            return null;
        }
        if (placement == RlPlacement.Colocated)
            throw new InputException($"{g.Path}.hardware: colocated generation and training time-share one pool of GPUs, so it has one kind of hardware; remove it, or set rl.placement: disaggregated or asynchronous");
        if (g.OptionalMapping("cluster") is { } c)
            foreach (var key in new[] { "gpus", "sites" })
                if (c.Get(key) is { } n)
                    throw new InputException(key == "gpus"
                        ? $"{n.Path}: the generator pool's size is rl.generator.gpus; remove it"
                        : $"{n.Path}: the generators serve from one site; remove it");
        var (cluster, price) = ReadCluster(g, gpus);
        var a = cluster.Accelerator;
        CheckBf16(a);
        if (AcceleratorCapabilities.WhyNot(a, model, WorkloadKind.Inference) is { } why)
            throw new InputException($"{g.Path}.hardware: {why}; choose generator hardware that runs it, or another model");
        if (cluster.ScaleOutPerGpu.GBps <= 0)
            throw new InputException($"{g.Path}.cluster.scale_out_bandwidth: the weights reach generators on other hardware over the scale-out network, and {a.Id}'s system gives no scale-out bandwidth; set it (per GPU, one direction, e.g. '400 Gbit/s')");
        double usd = g.OptionalNumber("usd_per_gpu_hour", 0, 1000, "dollars per GPU-hour") ?? price ?? 0;
        return new RlPoolHardware(cluster, catalog.Calibration(a), usd);
    }

    /// <summary>
    /// The generators' hardware runs the generator precision, and, where the trainer's GPUs are priced, has a price
    /// too (a step's cost sums both pools).
    /// </summary>
    static void CheckGeneratorHardware(Scenario s)
    {
        if (s.Rl?.Generator is not { OwnHardware: { } h } g) return;
        var p = g.Precision ?? s.Precision;
        if (!h.Cluster.Accelerator.Supports(p))
            throw new InputException($"rl.generator.hardware: {NoTensorCores(h.Cluster.Accelerator, p)}; set rl.generator.precision to one of those");
        if (s.Run.UsdPerGpuHour > 0 && h.UsdPerGpuHour <= 0)
            throw new InputException($"rl.generator.hardware: {h.Cluster.Accelerator.Id} has no price in the catalog, and a step's cost sums both pools; set rl.generator.usd_per_gpu_hour");
        if (s.Cluster.ScaleOutPerGpu.GBps <= 0)
            throw new InputException($"cluster.scale_out_bandwidth: the weights leave the trainer for generators on other hardware over the scale-out network, and {s.Cluster.Accelerator.Id}'s system gives no scale-out bandwidth; set it (per GPU, one direction, e.g. '400 Gbit/s')");
    }
}
