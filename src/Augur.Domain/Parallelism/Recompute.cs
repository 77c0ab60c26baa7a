namespace Augur.Domain.Parallelism;

/// <summary>
/// What the backward pass recomputes instead of keeping (Korthikanti et al. 2022, arXiv 2205.05198; Megatron-core's
/// <c>--recompute-granularity</c> / <c>--recompute-modules</c>). <see cref="Full"/> keeps only each layer's input;
/// the other values are modules and may be combined.
/// </summary>
[Flags]
public enum Recompute
{
    None = 0,
    /// <summary>Core attention (Megatron's selective granularity, module <c>core_attn</c>): the score matrix of unfused attention. Fused attention recomputes it anyway.</summary>
    Selective = 1,
    /// <summary>The whole layer: only its input is kept.</summary>
    Full = 2,
    /// <summary><c>mla_up_proj</c>: MLA's per-head queries, keys and values, recomputed from the kept latents.</summary>
    MlaUpProj = 4,
    /// <summary><c>layernorm</c>: the two norm outputs, recomputed from the kept layer and MLP inputs.</summary>
    LayerNorm = 8,
    /// <summary><c>moe_act</c>: the routed experts' activation-function outputs.</summary>
    MoeAct = 16,
    /// <summary><c>mlp</c>: the dense MLP of dense layers, from its kept input.</summary>
    Mlp = 32,
    /// <summary><c>moe</c>: the whole MoE block (router, dispatch, experts, combine), from its kept input.</summary>
    Moe = 64,
    /// <summary><c>shared_experts</c>: the shared experts of MoE layers.</summary>
    SharedExperts = 128,
}

/// <summary>Names of <see cref="Recompute"/> values in scenario files and output (Megatron-core's module names).</summary>
public static class RecomputeNames
{
    static readonly FlagNames<Recompute> Modules = new(
        (Recompute.Selective, "core_attn"), (Recompute.MlaUpProj, "mla_up_proj"), (Recompute.LayerNorm, "layernorm"),
        (Recompute.MoeAct, "moe_act"), (Recompute.Mlp, "mlp"), (Recompute.Moe, "moe"), (Recompute.SharedExperts, "shared_experts"));

    /// <summary>Every module name a scenario may list.</summary>
    public static IEnumerable<string> ModuleNames => Modules.Names;

    /// <summary>The module flag of a name, or null when the name is not a module.</summary>
    public static Recompute? Module(string name) => Modules.Flag(name);

    /// <summary>The module names of a recompute set (core_attn for selective), in Megatron's order.</summary>
    public static IEnumerable<string> ModulesOf(Recompute r) => Modules.Of(r);

    /// <summary>none, selective, full, or the modules joined with '+' (e.g. <c>mla_up_proj+mlp</c>).</summary>
    public static string Format(Recompute r) => r switch
    {
        Recompute.None => "none",
        Recompute.Selective => "selective",
        Recompute.Full => "full",
        _ => string.Join('+', Modules.Of(r)),
    };
}
