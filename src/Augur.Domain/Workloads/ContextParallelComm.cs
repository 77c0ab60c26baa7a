namespace Augur.Domain.Workloads;

/// <summary>How context parallelism brings a layer's attention together across the ranks that split its sequence (Megatron-core's <c>cp_comm_type</c>).</summary>
public enum ContextParallelComm
{
    /// <summary>
    /// Ring attention, Megatron-core's default: each rank keeps its queries and passes its keys and values around the ring, one
    /// step per rank, each step's transfer beside the attention on the block it already holds (Transformer Engine's
    /// AttnFuncWithCPAndKVP2P).
    /// </summary>
    P2P,
    /// <summary>
    /// DeepSpeed-Ulysses (Jacobs et al., arXiv:2309.14509): an all-to-all turns each rank's sequence shard of Q, K and V into
    /// the whole sequence for cp-th of the heads, attention runs there, and a second all-to-all returns the output to the
    /// sequence shards; the backward does the same with dO and dQ, dK, dV (Transformer Engine's AttnFuncWithCPAndQKVOA2A).
    /// The exchanges sit on the attention's path, nothing beside them. The heads per tensor-parallel rank, and the KV heads,
    /// must divide over cp. GPT-OSS's learnable attention sinks need it.
    /// </summary>
    AllToAll,
}
