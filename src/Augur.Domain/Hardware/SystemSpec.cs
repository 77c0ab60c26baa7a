using Augur.Units;

namespace Augur.Domain.Hardware;

/// <summary>
/// A buildable system: the scale-up domain (NVLink/ICI/NeuronLink island) and the scale-out network.
/// Bandwidths are per GPU, ONE direction.
/// </summary>
public sealed record SystemSpec
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required string AcceleratorId { get; init; }
    public required int ScaleUpDomain { get; init; }
    public required Bandwidth ScaleUpPerGpu { get; init; }
    public required string ScaleUpName { get; init; }
    /// <summary>True when the scale-up switches reduce in the network (NVLink SHARP / NVLS).</summary>
    public bool InNetworkReduction { get; init; }
    public required Bandwidth ScaleOutPerGpu { get; init; }
    public required string ScaleOutName { get; init; }
    public required IReadOnlyList<string> Sources { get; init; }
    public string Notes { get; init; } = "";
}

/// <summary>The hardware a job runs on: GPU count and the two network tiers.</summary>
public sealed record Cluster
{
    public required Accelerator Accelerator { get; init; }
    public required int Gpus { get; init; }
    public required int ScaleUpDomain { get; init; }
    public required Bandwidth ScaleUpPerGpu { get; init; }
    public required Bandwidth ScaleOutPerGpu { get; init; }
    public bool InNetworkReduction { get; init; }
    public string SystemName { get; init; } = "";

    public static Cluster From(SystemSpec system, Accelerator accelerator, int gpus) => new()
    {
        Accelerator = accelerator,
        Gpus = gpus,
        ScaleUpDomain = system.ScaleUpDomain,
        ScaleUpPerGpu = system.ScaleUpPerGpu,
        ScaleOutPerGpu = system.ScaleOutPerGpu,
        InNetworkReduction = system.InNetworkReduction,
        SystemName = system.Name,
    };
}
