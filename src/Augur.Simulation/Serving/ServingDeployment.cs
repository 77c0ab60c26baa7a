using Augur.Domain.Workloads;
namespace Augur.Simulation.Serving;

/// <summary>What serves the requests: one pool (aggregated) or a prefill pool plus a decode pool (disaggregated).</summary>
public sealed record ServingDeployment
{
    private ServingDeployment(ServingMode mode, ReplicaPool pool, ReplicaPool? decodePool)
    {
        Mode = mode;
        Pool = pool;
        DecodePool = decodePool;
    }

    public ServingMode Mode { get; }

    /// <summary>The replicas that receive arriving requests: all replicas when aggregated, the prefill pool when disaggregated.</summary>
    public ReplicaPool Pool { get; }

    /// <summary>The decode pool when disaggregated; null when aggregated.</summary>
    public ReplicaPool? DecodePool { get; }

    public static ServingDeployment Aggregated(int replicas, IServingCostModel costModel) =>
        new(ServingMode.Aggregated, new ReplicaPool(replicas, costModel), null);

    public static ServingDeployment Disaggregated(
        int prefillReplicas, IServingCostModel prefillCostModel, int decodeReplicas, IServingCostModel decodeCostModel) =>
        new(ServingMode.Disaggregated, new ReplicaPool(prefillReplicas, prefillCostModel), new ReplicaPool(decodeReplicas, decodeCostModel));
}
