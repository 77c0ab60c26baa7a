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
}
