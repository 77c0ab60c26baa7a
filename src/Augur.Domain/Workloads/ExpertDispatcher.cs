namespace Augur.Domain.Workloads;

/// <summary>How an MoE training run's dispatcher sends tokens to the ranks holding their experts.</summary>
public enum ExpertDispatcher
{
    /// <summary>
    /// Megatron-core's alltoall dispatcher: one row per (token, expert) pair, every copy straight to its rank
    /// (MoEAlltoAllTokenDispatcher, megatron/core/transformer/moe/token_dispatcher.py).
    /// </summary>
    AllToAll,
    /// <summary>
    /// DeepEP's normal (throughput) kernels, as Megatron-core's flex dispatcher with the deepep backend and NeMo
    /// AutoModel run them: a token crosses the scale-out network once per remote node holding one of its experts and
    /// is forwarded over NVLink there (deepseek-ai/DeepEP README, "NVLink-to-RDMA asymmetric-domain bandwidth forwarding").
    /// </summary>
    DeepEp,
    /// <summary>
    /// HybridEP, Megatron-core's flex dispatcher backend for NVL72 systems (NeMo-RL's GB200 MoE recipes): NVLink-domain-aware
    /// dispatch (Megatron-Bridge's dispatcher guide), a token crossing once to each remote NVLink domain holding one of
    /// its experts. Costed as <see cref="DeepEp"/>'s exchange, with the scale-up domain as the unit.
    /// </summary>
    HybridEp,
    /// <summary>
    /// Megatron-core's allgather dispatcher (MoEAllGatherTokenDispatcher): every rank of the expert-parallel group gathers
    /// every token of the group and keeps those routed to its experts, so a token reaches each of the other ranks once
    /// whatever its top-k, and the combine reduce-scatters the same rows back.
    /// </summary>
    AllGather,
}

public static class ExpertDispatchers
{
    /// <summary>Whether the dispatcher sends a token once per remote scale-up domain (DeepEP, HybridEP) rather than once per expert copy.</summary>
    public static bool DedupsByDomain(this ExpertDispatcher d) => d is ExpertDispatcher.DeepEp or ExpertDispatcher.HybridEp;

    /// <summary>The scenario word: alltoall, deepep, hybridep, allgather.</summary>
    public static string Label(this ExpertDispatcher d) => d.ToString().ToLowerInvariant();
}
