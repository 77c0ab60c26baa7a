using Augur.Domain.Models;
using Augur.Domain.Parallelism;
using Augur.Domain.Workloads;

namespace Augur.CostModels.Memory;

/// <summary>
/// What one layer of one micro-batch keeps under a MaxText remat policy (<see cref="RematPolicy"/>), per GPU: the named
/// tensors the backward pass reads, each where the policy puts it. JAX keeps as residuals only the saveable values the
/// backward reads (jax.checkpoint's partial evaluation drops the rest), so a dense MLP's <c>mlpwo</c> (its output, which
/// no gradient needs) holds nothing, while an MoE layer's does (the combine weights' gradient reads the expert outputs).
/// Sizes are 16-bit elements per token: decoder_layer_input and out_proj d; query_proj h·d_h, key_proj and value_proj
/// g·d_h (split over TP); context the attention output h·d_h and its fp32 log-sum-exp per head (attention_op.py names
/// both); mlpwi_0, mlpwi_1 (gated) or mlpwi F/t per token, per routed row F_e/etp in an MoE layer, mlpwo d per row.
/// qkv_proj is the fused projection of models built with fused QKV; Augur's models project separately, so it holds none.
/// </summary>
public static class RematMemory
{
    /// <summary>Bytes per token of one layer's tensors the policy puts at <paramref name="where"/>.</summary>
    /// <param name="rowsPerToken">Routed expert rows on this GPU per TP-group token (MoE layers), etp/tp applied.</param>
    public static double PerToken(ModelSpec m, in ParallelLayout l, RematPolicy p, RematChoice where, bool moe, double rowsPerToken)
    {
        double t = l.Tp, d = m.Hidden, hidden = l.Sp ? d / t : d, hd = m.HeadDim;
        double elements = 0;
        void Add(RematTensor name, double size) { if (p[name] == where) elements += size; }
        Add(RematTensor.DecoderLayerInput, hidden);
        Add(RematTensor.QueryProj, m.Heads * hd / t);
        Add(RematTensor.KeyProj, m.KvHeads * hd / t);
        Add(RematTensor.ValueProj, m.KvHeads * hd / t);
        Add(RematTensor.Context, m.Heads * (hd + 2) / t);
        Add(RematTensor.OutProj, hidden);
        if (moe && m.Moe is { } spec)
        {
            double f = (double)spec.ExpertFfn / l.Etp;
            if (m.GatedMlp) { Add(RematTensor.Mlpwi0, rowsPerToken * f); Add(RematTensor.Mlpwi1, rowsPerToken * f); }
            else Add(RematTensor.Mlpwi, rowsPerToken * f);
            Add(RematTensor.Mlpwo, rowsPerToken * d);
            double shared = (double)spec.SharedExperts * spec.SharedExpertFfn / t;
            if (m.GatedMlp) { Add(RematTensor.Mlpwi0, shared); Add(RematTensor.Mlpwi1, shared); }
            else Add(RematTensor.Mlpwi, shared);
        }
        else if (m.GatedMlp) { Add(RematTensor.Mlpwi0, m.Ffn / t); Add(RematTensor.Mlpwi1, m.Ffn / t); }
        else Add(RematTensor.Mlpwi, m.Ffn / t);
        return 2 * elements;
    }
}
