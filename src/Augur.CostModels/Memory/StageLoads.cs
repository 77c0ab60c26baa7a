using Augur.Domain.Parallelism;

namespace Augur.CostModels.Memory;

/// <summary>What one pipeline stage holds per GPU before ZeRO shards it: parameters by how they shard, activations and logits.</summary>
readonly record struct StageLoad
{
    /// <summary>Embedding and output-layer parameters on one GPU of the TP group.</summary>
    public double EdgesPerGpu { get; init; }
    /// <summary>Layer parameters (routed experts aside) on one GPU of the TP group.</summary>
    public double LayersPerGpu { get; init; }
    /// <summary>Everything but routed experts, per GPU: what gradients and the optimizer hold of them.</summary>
    public double Dense { get; init; }
    public double Experts { get; init; }
    /// <summary>Ranks ZeRO shards the non-expert states over (dp × cp), and the expert states (expert dp).</summary>
    public double DenseShards { get; init; }
    public double ExpertShards { get; init; }
    /// <summary>Bytes per layer weight: 16-bit, or two quantized copies in FP8/FP4 training.</summary>
    public double LayerWeightBytes { get; init; }
    /// <summary>Two layers' weights gathered at once under ZeRO-3.</summary>
    public double GatheredWeights { get; init; }
    /// <summary>Activations at the stage's peak, fragmentation included.</summary>
    public double Activations { get; init; }
    public double Logits { get; init; }
}

/// <summary>The first and last stages of one layout before ZeRO (only the first without pipeline parallelism), and the job's bytes per parameter.</summary>
readonly record struct StageLoads
{
    /// <summary>The layout they belong to, its ZeRO stage left out: every ZeRO stage shares them.</summary>
    public ParallelLayout Layout { get; init; }
    /// <summary>Micro-batches per step of that layout.</summary>
    public int MicroBatches { get; init; }
    public StageLoad First { get; init; }
    public StageLoad Last { get; init; }
    public double GradientBytes { get; init; }
    public double OptimizerBytes { get; init; }
    /// <summary>Whether the parameters are their own (bf16) master, so ZeRO 1-2 hold their shard beside the weights.</summary>
    public bool ShardedMaster { get; init; }

    /// <summary>False for <c>default</c>, which belongs to no layout.</summary>
    public bool Kept { get; init; }

    public static ParallelLayout KeyOf(in ParallelLayout l) => l with { Zero = 0 };

    public bool Serve(in ParallelLayout key, int microBatches) => Kept && MicroBatches == microBatches && Layout.Equals(key);
}

/// <summary>
/// The stage contents a search keeps from one layout to the next (<see cref="TrainingMemory.Estimate(Domain.Models.ModelSpec, in Analysis.ParameterCount, Domain.Workloads.TrainingJob, ParallelLayout, Domain.Hardware.HardwareCalibration, int, ref MemoryReuse)"/>):
/// the last two layouts', as the search alternates recomputation inside each ZeRO stage. <c>default</c> holds none.
/// </summary>
public struct MemoryReuse
{
    StageLoads _newer, _older;

    internal readonly bool TryGet(in ParallelLayout l, int microBatches, out StageLoads found)
    {
        var key = StageLoads.KeyOf(l);
        if (_newer.Serve(key, microBatches)) { found = _newer; return true; }
        if (_older.Serve(key, microBatches)) { found = _older; return true; }
        found = default;
        return false;
    }

    internal void Keep(in StageLoads loads)
    {
        _older = _newer;
        _newer = loads;
    }
}
