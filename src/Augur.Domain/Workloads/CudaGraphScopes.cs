namespace Augur.Domain.Workloads;

/// <summary>
/// What a training run captures in CUDA graphs, whose replay the host launches once instead of issuing each kernel
/// (Megatron-core <c>cuda_graph_impl</c> and <c>cuda_graph_scope</c>, megatron/core/transformer/transformer_config.py
/// @ core_v0.16.0): Transformer Engine's per-layer scopes, or the local implementation's whole iteration. None is
/// Megatron's default (<c>cuda_graph_impl: none</c>).
/// </summary>
[Flags]
public enum CudaGraphScopes
{
    None = 0,
    /// <summary><c>attn</c>: the self-attention block of every layer.</summary>
    Attention = 1,
    /// <summary><c>mlp</c>: the MLP of dense layers.</summary>
    Mlp = 2,
    /// <summary><c>moe_router</c>: the MoE router.</summary>
    MoeRouter = 4,
    /// <summary><c>moe_preprocess</c>: the dispatcher's preprocessing after the router (only with <c>moe_router</c>).</summary>
    MoePreprocess = 8,
    /// <summary><c>full_iteration</c> (cuda_graph_impl local): forward and backward of the whole step.</summary>
    FullIteration = 16,
}

/// <summary>The scenario spelling of <see cref="CudaGraphScopes"/> (Megatron's scope names).</summary>
public static class CudaGraphNames
{
    static readonly FlagNames<CudaGraphScopes> Scopes = new(
        (CudaGraphScopes.Attention, "attn"), (CudaGraphScopes.Mlp, "mlp"),
        (CudaGraphScopes.MoeRouter, "moe_router"), (CudaGraphScopes.MoePreprocess, "moe_preprocess"));

    /// <summary>Every scope name a scenario may list.</summary>
    public static IEnumerable<string> ScopeNames => Scopes.Names;

    /// <summary>The flag of a scope name, or null when the name is not a scope.</summary>
    public static CudaGraphScopes? Scope(string name) => Scopes.Flag(name);
}
