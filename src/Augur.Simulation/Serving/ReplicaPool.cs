namespace Augur.Simulation.Serving;

/// <summary>A set of identical replicas sharing one cost model.</summary>
public sealed record ReplicaPool
{
    public ReplicaPool(int replicas, IServingCostModel costModel)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(replicas, 1);
        ArgumentNullException.ThrowIfNull(costModel);
        Replicas = replicas;
        CostModel = costModel;
    }

    public int Replicas { get; }
    public IServingCostModel CostModel { get; }
}
