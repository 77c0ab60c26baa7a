using System.Globalization;
using System.Text.Json.Nodes;
using Augur.Catalog.Loading;
using Augur.CostModels.Analysis;
using Augur.Domain;
using Augur.Domain.Hardware;
using Augur.Reports.Console;
using Augur.Reports.Json;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Augur.Reports;

/// <summary>Listing and detail views of the catalog.</summary>
public static class CatalogReport
{
    public static IRenderable[] List(CatalogStore c)
    {
        var acc = Render.Table("accelerator", "name", "status", "BF16 TF", "FP8 TF", "FP4 TF", "HBM GB", "HBM TB/s", "W");
        foreach (var a in c.Accelerators.OrderBy(a => a.Id, StringComparer.Ordinal))
            acc.AddRow(a.Id, a.Name, a.Status, Tf(a, Precision.BF16), Tf(a, Precision.FP8), Tf(a, Precision.FP4), Format.N(a.HbmCapacity.GB, "0"), Format.N(a.HbmBandwidth.TBps, "0.##"),
                a.Power.Value > 0 ? Format.N(a.Power.Value, "0") : a.Unpublished.Contains("tdp_w") ? Unknown : "-");
        var sys = Render.Table("system", "accelerator", "status", "scale-up domain", "scale-up GB/s/GPU (one way)", "in-network reduction", "scale-out GB/s/GPU");
        // Ids are what users type: never wrapped.
        acc.Columns[0].NoWrap();
        sys.Columns[0].NoWrap();
        foreach (var s in c.Systems.OrderBy(s => s.Id, StringComparer.Ordinal))
            sys.AddRow(s.Id, s.AcceleratorId, s.Status, s.ScaleUp.Domain.ToString(CultureInfo.InvariantCulture), Format.N(s.ScaleUp.PerGpu.GBps, "0.#"), s.ScaleUp.InNetworkReduction ? "yes" : "no", Format.N(s.ScaleOut.PerGpu.GBps, "0.#"));
        var mod = Render.Table("model", "layers", "hidden", "heads/kv", "experts", "total B", "active B");
        foreach (var m in c.Models.OrderBy(m => m.Id, StringComparer.Ordinal))
        {
            var pc = ParameterCounter.Count(m.Spec);
            mod.AddRow(m.Id, m.Spec.Layers.ToString(CultureInfo.InvariantCulture), m.Spec.Hidden.ToString(CultureInfo.InvariantCulture),
                $"{m.Spec.Heads}/{(m.Spec.Mla is null ? m.Spec.KvHeads.ToString(CultureInfo.InvariantCulture) : "MLA")}",
                m.Spec.Moe is { } moe ? $"{moe.Experts} top-{moe.TopK}" : "-", Format.N(pc.Total / 1e9, "0.#"), Format.N(pc.Active / 1e9, "0.#"));
        }
        return [Render.Line("Peaks are DENSE (no 2:4 sparsity); HBM in GB = 10^9 bytes; bandwidths per GPU, one direction. "
            + $"announced = pre-release vendor figures; template = a specification's limits, not a product; {Unknown} = not published yet (an estimate that needs it refuses)."), acc, sys, mod];
    }

    const string Unknown = "n/p";

    static string Tf(Accelerator a, Precision p) => a.Supports(p) ? Format.N(a.Peak(p).Tflops, "0") : a.Unknown(p) ? Unknown : "-";

    public static JsonObject ListJson(CatalogStore c) => new()
    {
        ["accelerators"] = new JsonArray(c.Accelerators.OrderBy(a => a.Id, StringComparer.Ordinal).Select(a => (JsonNode)Accelerator(a)).ToArray()),
        ["systems"] = new JsonArray(c.Systems.OrderBy(s => s.Id, StringComparer.Ordinal).Select(s => (JsonNode)System(s)).ToArray()),
        ["models"] = new JsonArray(c.Models.OrderBy(m => m.Id, StringComparer.Ordinal).Select(m => (JsonNode)Model(m)).ToArray()),
    };

    public static IRenderable[] Show(CatalogStore c, string name) => Table(ShowJson(c, name));

    /// <summary>A model the user brought (a HuggingFace config.json), shown as the catalog's models are.</summary>
    public static IRenderable[] Show(ModelEntry m) => Table(Model(m));

    public static JsonObject ShowJson(ModelEntry m) => Model(m);

    static IRenderable[] Table(JsonObject node)
    {
        var t = Render.Table("field", "value");
        foreach (var (k, v) in node)
            t.AddRow(Markup.Escape(k), Markup.Escape(v is JsonArray arr ? string.Join("\n", arr.Select(x => x?.ToString())) : v?.ToString() ?? ""));
        return [t];
    }

    public static JsonObject ShowJson(CatalogStore c, string name)
    {
        if (c.TryAccelerator(name, out var a)) return Accelerator(a);
        if (c.TrySystem(name, out var s)) return System(s);
        if (c.TryModel(name, out var m)) return Model(m);
        c.Model(name); // throws with the nearest name
        throw new InputException($"unknown name '{name}'");
    }

    static JsonObject Accelerator(Accelerator a)
    {
        var peaks = new JsonObject();
        foreach (var p in Enum.GetValues<Precision>()) if (a.Supports(p)) peaks[p.Label()] = JsonOut.Num(a.Peak(p).Tflops);
        return new JsonObject
        {
            ["id"] = a.Id, ["kind"] = "accelerator", ["name"] = a.Name, ["vendor"] = a.Vendor, ["family"] = a.Family, ["status"] = a.Status,
            ["dense_peak_tflops"] = peaks, ["hbm_gb"] = JsonOut.Num(a.HbmCapacity.GB), ["hbm_gib"] = JsonOut.Num(a.HbmCapacity.GiB),
            ["hbm_tb_s"] = JsonOut.Num(a.HbmBandwidth.TBps), ["tdp_w"] = JsonOut.Num(a.Power.Value), ["default_system"] = a.DefaultSystem,
            ["unpublished"] = Strings(a.Unpublished), ["sources"] = Strings(a.Sources), ["notes"] = a.Notes,
        };
    }

    static JsonObject System(SystemSpec s) => new()
    {
        ["id"] = s.Id, ["kind"] = "system", ["name"] = s.Name, ["accelerator"] = s.AcceleratorId, ["status"] = s.Status,
        ["scale_up"] = s.ScaleUp.Name, ["scale_up_domain"] = s.ScaleUp.Domain, ["scale_up_gb_s_per_gpu_one_way"] = JsonOut.Num(s.ScaleUp.PerGpu.GBps),
        ["in_network_reduction"] = s.ScaleUp.InNetworkReduction, ["scale_out"] = s.ScaleOut.Name, ["scale_out_gb_s_per_gpu"] = JsonOut.Num(s.ScaleOut.PerGpu.GBps),
        ["sources"] = Strings(s.Sources), ["notes"] = s.Notes,
    };

    static JsonObject Model(ModelEntry m)
    {
        var pc = ParameterCounter.Count(m.Spec);
        var o = new JsonObject
        {
            ["id"] = m.Id, ["kind"] = "model", ["layers"] = m.Spec.Layers, ["hidden"] = m.Spec.Hidden, ["heads"] = m.Spec.Heads,
            ["kv_heads"] = m.Spec.KvHeads, ["head_dim"] = m.Spec.HeadDim, ["ffn"] = m.Spec.Ffn, ["vocab"] = m.Spec.Vocab,
            ["attention"] = m.Spec.Mla is null ? (m.Spec.KvHeads < m.Spec.Heads ? "GQA" : "MHA") : "MLA",
            ["total_params_b"] = JsonOut.Num(pc.Total / 1e9), ["active_params_b"] = JsonOut.Num(pc.Active / 1e9),
            ["published_total_params_b"] = JsonOut.Num(m.PublishedTotalB), ["published_active_params_b"] = JsonOut.Num(m.PublishedActiveB),
            ["kv_bytes_per_token_bf16"] = JsonOut.Num(KvCache.BytesPerToken(m.Spec, Precision.BF16).Value),
            ["sources"] = Strings(m.Sources), ["notes"] = m.Notes,
        };
        if (m.Spec.Moe is { } moe)
        {
            o["moe"] = new JsonObject { ["experts"] = moe.Experts, ["top_k"] = moe.TopK, ["shared_experts"] = moe.SharedExperts, ["expert_ffn"] = moe.ExpertFfn, ["first_dense_layers"] = moe.FirstDenseLayers };
            if (moe.LayerStep > 1) { o["moe"]!["layer_step"] = moe.LayerStep; o["moe"]!["moe_layers"] = m.Spec.MoeLayers; }
        }
        Structures(m.Spec, o);
        return o;
    }

    /// <summary>The layer structures read from config.json beyond plain full attention, each only when the model has it.</summary>
    static void Structures(Augur.Domain.Models.ModelSpec s, JsonObject o)
    {
        if (s.SlidingWindow > 0)
            o["sliding_window"] = new JsonObject { ["window"] = s.SlidingWindow, ["layers"] = JsonOut.Num(s.SlidingLayerFraction * s.Layers) };
        if (s.AttentionChunk > 0)
            o["chunked_attention"] = new JsonObject { ["chunk"] = s.AttentionChunk, ["layers"] = JsonOut.Num(s.ChunkedLayerFraction * s.Layers) };
        if (s.LinearAttention is { } lin)
            o["linear_attention"] = new JsonObject
            {
                ["layers"] = lin.Layers, ["key_heads"] = lin.KeyHeads, ["value_heads"] = lin.ValueHeads, ["key_head_dim"] = lin.KeyHeadDim,
                ["value_head_dim"] = lin.ValueHeadDim, ["conv_kernel"] = lin.ConvKernel, ["state_elements_per_layer"] = JsonOut.Num(lin.StateElements),
                ["recurrent_state_bytes_per_element"] = lin.RecurrentStateBytes,
            };
        if (s.SparseAttention is { } dsa)
            o["sparse_attention"] = new JsonObject { ["index_heads"] = dsa.IndexHeads, ["index_head_dim"] = dsa.IndexHeadDim, ["top_k"] = dsa.TopK };
        if (s.MtpLayers > 0) o["mtp_layers"] = s.MtpLayers;
    }

    static JsonArray Strings(IEnumerable<string> s) => new(s.Select(x => (JsonNode)JsonValue.Create(x)!).ToArray());
}
