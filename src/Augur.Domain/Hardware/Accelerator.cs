using Augur.Units;

namespace Augur.Domain.Hardware;

/// <summary>
/// One accelerator chip (GPU, TPU, Trainium, Gaudi). Peaks are DENSE tensor-core rates per precision
/// (2:4-sparse marketing figures are twice these); HBM capacity is in GB (10^9 bytes) as vendors quote it.
/// </summary>
public sealed record Accelerator
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required string Vendor { get; init; }
    /// <summary>Calibration family (e.g. nvidia-hopper) whose efficiency parameters apply.</summary>
    public required string Family { get; init; }
    /// <summary>Dense peak per <see cref="Precision"/>, indexed by its integer value; zero where unsupported.</summary>
    public required FlopRate[] DensePeak { get; init; }
    public required Bytes HbmCapacity { get; init; }
    public required Bandwidth HbmBandwidth { get; init; }
    public required Watts Power { get; init; }
    public required string DefaultSystem { get; init; }
    public int Year { get; init; }
    /// <summary>shipping, announced, or <see cref="Hypothetical"/> (written in a scenario, not in the catalog).</summary>
    public string Status { get; init; } = "shipping";
    /// <summary>
    /// The catalog part whose measured kernels stand for this one: a part derived from a catalog part that changes only
    /// what lies outside the die (HBM, host, power, price, network) runs its base's kernels, each on its own peaks and
    /// bandwidth; null = its own <see cref="Id"/>.
    /// </summary>
    public string? SameDieAs { get; init; }
    /// <summary>The id measured kernel sets name this part by (<see cref="SameDieAs"/>, else its own).</summary>
    public string KernelId => SameDieAs ?? Id;
    /// <summary>What the chip can run (everything for a GPU; a Transformer ASIC's built-in operators).</summary>
    public AcceleratorCapabilities Capabilities { get; init; } = AcceleratorCapabilities.Any;
    /// <summary>Memory beyond HBM that the chip reaches over a link (a Grace CPU's LPDDR over NVLink-C2C), for offload; null when not sourced.</summary>
    public MemoryTierSpec? HostMemory { get; init; }
    /// <summary>
    /// The host CPU's time per framework operation (a PyTorch operator through its dispatcher to the kernel launch, and the
    /// module code around it) relative to the x86 hosts Augur's host-time figures were measured on: 1 for those, more for
    /// a slower host (a Grace CPU). Scales the eager training step's host issue time (the RL trainer's too) and an eager
    /// serving step's per-layer issue time; not the calibrated per-iteration overhead nor the dispatch synchronisation's
    /// device-host round trip, which were fitted or measured with the host in them. The source is in the accelerator's file.
    /// </summary>
    public double HostOpTime { get; init; } = 1;
    /// <summary>
    /// The host's time per plain Python call relative to the same x86 hosts: the interpreter alone, no operator dispatch
    /// or launch. Scales a serving engine's per-sequence scheduler time, a Python loop over the batch's requests. 1 unless
    /// the accelerator's file gives host_cpu.python_time_vs_x86.
    /// </summary>
    public double HostPythonTime { get; init; } = 1;
    /// <summary>
    /// Streaming multiprocessors (NVIDIA) or compute units (AMD): the cores a communication kernel occupies while it runs
    /// beside compute. Null where collectives run on engines of their own (TPU ICI, Trainium, Gaudi) or no count is published.
    /// </summary>
    public int? Sms { get; init; }
    /// <summary>
    /// This part's own measured large-GEMM fraction of its dense peak, per precision (0: its family's), where a
    /// published measurement of the part differs from its family's: the same die held at another sustained clock by
    /// its power limit (MI325X at 1000 W against MI300X at 750 W). Null: the family's throughout.
    /// </summary>
    public double[]? GemmEfficiency { get; init; }
    public required IReadOnlyList<string> Sources { get; init; }
    public string Notes { get; init; } = "";
    /// <summary>
    /// Catalog fields the vendor has not published for this part (such as <c>dense_tflops.bf16</c> of an announced
    /// chip), written as null in its file: the rate is unknown, not absent, so an estimate that needs it refuses.
    /// </summary>
    public IReadOnlyList<string> Unpublished { get; init; } = [];

    public const string Hypothetical = "hypothetical";

    /// <summary>The memory tiers, nearest first: HBM, then host memory where the catalog gives it.</summary>
    public IReadOnlyList<MemoryTierSpec> MemoryTiers =>
        HostMemory is { } host ? [new MemoryTierSpec("HBM", HbmCapacity, HbmBandwidth), host] : [new MemoryTierSpec("HBM", HbmCapacity, HbmBandwidth)];

    public bool Supports(Precision p) => DensePeak[(int)p].PerSecond > 0;
    /// <summary>True when the part has this precision but its dense rate is not yet published.</summary>
    public bool Unknown(Precision p) => Unpublished.Contains(PeakField(p));
    /// <summary>The catalog field that holds the dense peak of <paramref name="p"/>.</summary>
    public static string PeakField(Precision p) => "dense_tflops." + p.Label();
    public FlopRate Peak(Precision p) => DensePeak[(int)p];
}

/// <summary>One memory tier of an accelerator: its capacity (GB as quoted) and the bandwidth the chip reaches it at, one direction.</summary>
public sealed record MemoryTierSpec(string Name, Bytes Capacity, Bandwidth Bandwidth)
{
    /// <summary>
    /// A host tier's rate for a copy from HBM into freshly allocated pageable memory (PyTorch's <c>tensor.to("cpu")</c>,
    /// whose destination the CPU must fault in page by page), where measured; null where only the pinned link rate is known.
    /// </summary>
    public Bandwidth? FreshPageable { get; init; }

    /// <summary>Seconds to copy <paramref name="bytes"/> from HBM into fresh pageable memory: at the measured rate, else the link's.</summary>
    public Seconds ToFreshPageable(Bytes bytes) => bytes / (FreshPageable ?? Bandwidth);
}
