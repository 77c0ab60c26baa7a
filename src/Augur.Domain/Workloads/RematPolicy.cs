namespace Augur.Domain.Workloads;

/// <summary>Where MaxText keeps one named tensor for the backward pass (its config's 'remat', 'device', 'offload').</summary>
public enum RematChoice { Remat, Device, Offload }

/// <summary>A decoder layer's checkpoint names, in the order of <see cref="RematPolicy.Names"/>.</summary>
public enum RematTensor { DecoderLayerInput, QueryProj, KeyProj, ValueProj, QkvProj, Context, OutProj, Mlpwi, Mlpwi0, Mlpwi1, Mlpwo }

/// <summary>
/// A MaxText remat policy (AI-Hypercomputer/maxtext src/MaxText/layers/decoders.py <c>get_remat_policy</c> @ maxtext-tutorial-v1.5.0,
/// configs/base.yml): each tensor the layers name with <c>checkpoint_name</c> is recomputed in the backward pass, saved
/// in HBM, or offloaded to the host's pinned memory (<c>save_and_offload_only_these_names</c>). The layer input is the
/// scan's carry and stays on the device unless the policy offloads it.
/// </summary>
public sealed record RematPolicy
{
    /// <summary>The checkpoint names of a decoder layer, in MaxText's spelling, one per <see cref="RematTensor"/> (mla_q and mla_kv are not modelled).</summary>
    public static readonly string[] Names =
        ["decoder_layer_input", "query_proj", "key_proj", "value_proj", "qkv_proj", "context", "out_proj", "mlpwi", "mlpwi_0", "mlpwi_1", "mlpwo"];

    /// <summary>Every name saved on the device by MaxText's 'minimal' policy: the projections' outputs, not the attention's.</summary>
    static readonly string[] Dots = ["query_proj", "value_proj", "key_proj", "qkv_proj", "out_proj", "mlpwi_0", "mlpwi_1", "mlpwi", "mlpwo"];

    readonly Dictionary<string, RematChoice> _choices;
    /// <summary>The choice for each <see cref="RematTensor"/>, resolved once so that the cost models index instead of looking up.</summary>
    readonly RematChoice[] _byTensor;

    RematPolicy(Dictionary<string, RematChoice> choices, string? name = null)
    {
        _choices = choices;
        Name = name;
        _byTensor = [.. Names.Select(n => choices.TryGetValue(n, out var c) ? c : n == "decoder_layer_input" ? RematChoice.Device : RematChoice.Remat)];
        Offloads = _byTensor.Contains(RematChoice.Offload);
    }

    /// <summary>MaxText's name of the policy, or null for a custom one (its choices in <see cref="Choices"/>).</summary>
    public string? Name { get; }

    /// <summary>The tensors given a choice (a custom policy's settings); the rest are recomputed, the layer input kept.</summary>
    public IReadOnlyDictionary<string, RematChoice> Choices => _choices;

    /// <summary>What the policy does with <paramref name="tensor"/>: given, else recomputed (the layer input kept on the device).</summary>
    public RematChoice this[RematTensor tensor] => _byTensor[(int)tensor];

    /// <summary>Whether any tensor goes to host memory.</summary>
    public bool Offloads { get; }

    /// <summary>A custom policy: the choices given, every other name recomputed (the layer input kept on the device).</summary>
    public static RematPolicy Custom(IReadOnlyDictionary<string, RematChoice> choices) => new(new Dictionary<string, RematChoice>(choices));

    /// <summary>
    /// MaxText's named policies (decoders.py <c>get_remat_policy</c>), each with the tensors it keeps and where: every other
    /// name is recomputed (the layer input kept on the device). One table for the names and the policies.
    /// </summary>
    static readonly (string Name, RematChoice Where, string[] Tensors)[] Policies =
    [
        ("full", RematChoice.Device, []),
        ("minimal", RematChoice.Device, Dots),
        ("minimal_with_context", RematChoice.Device, [.. Dots, "context"]),
        ("save_dot_with_context_except_mlp", RematChoice.Device, ["query_proj", "value_proj", "key_proj", "qkv_proj", "context", "out_proj"]),
        ("save_dot_except_mlpwi", RematChoice.Device, ["query_proj", "value_proj", "key_proj", "qkv_proj", "out_proj", "mlpwo"]),
        ("save_dot_except_mlp", RematChoice.Device, ["query_proj", "value_proj", "key_proj", "qkv_proj", "out_proj"]),
        ("save_qkv_proj", RematChoice.Device, ["query_proj", "value_proj", "key_proj", "qkv_proj"]),
        ("qkv_proj_offloaded", RematChoice.Offload, ["query_proj", "key_proj", "value_proj"]),
        ("save_out_proj", RematChoice.Device, ["out_proj"]),
    ];

    /// <summary>A named policy (one of <see cref="PolicyNames"/>, or minimal_flash, MaxText's older name of minimal_with_context); null for another name.</summary>
    public static RematPolicy? Named(string name)
    {
        string canonical = name == "minimal_flash" ? "minimal_with_context" : name;
        foreach (var (policy, where, tensors) in Policies)
            if (policy == canonical) return new(tensors.ToDictionary(n => n, _ => where), policy);
        return null;
    }

    /// <summary>The named policies a scenario may give.</summary>
    public static IEnumerable<string> PolicyNames => Policies.Select(p => p.Name);
}
