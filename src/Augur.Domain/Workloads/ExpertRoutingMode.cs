namespace Augur.Domain.Workloads;

/// <summary>How a batch's tokens spread over the experts of an MoE layer.</summary>
public enum ExpertRoutingMode
{
    /// <summary>
    /// Uniform in expectation but random per batch (what a load balancer such as EPLB or an auxiliary loss leaves):
    /// the busiest expert-parallel rank gets its chance excess (ExpertRouting.BusiestRankFactor).
    /// </summary>
    Random,
    /// <summary>Exactly even, as benchmarks that force-balance routing run (Megatron-Bridge's MoE tables, DeepSeek's profiles).</summary>
    Balanced,
}
