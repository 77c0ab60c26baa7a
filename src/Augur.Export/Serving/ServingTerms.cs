using Augur.Domain.Frameworks;
using Augur.Domain.Hardware;

namespace Augur.Export.Serving;

/// <summary>One kind of engine of a deployment: its role and how many copies run.</summary>
sealed record Engine(string Role, int Instances);

/// <summary>What the serving mappers share: the engines to start and the checks every engine needs.</summary>
static class ServingTerms
{
    /// <summary>
    /// Aggregated: one engine per replica. Disaggregated: the prefill and decode pools as whole engines of the
    /// replica's shape (Augur costs pools per GPU; a launch needs whole engines).
    /// </summary>
    public static IReadOnlyList<Engine> Engines(FrameworkSpec f, ServingTarget t)
    {
        int size = t.Layout.GpusPerReplica;
        if (!t.Disaggregated) return [new Engine("serve", t.Layout.Replicas)];
        var pools = t.Estimate.Disaggregated!;
        foreach (var (name, gpus) in new[] { ("prefill_gpus", pools.PrefillGpus), ("decode_gpus", pools.DecodeGpus) })
            if (gpus % size != 0)
                throw Refuse.Setting(f, $"{name}={gpus}", $"each pool runs whole {size}-GPU engines (tp x pp x dp_attention); give a multiple of {size}");
        return [new Engine("prefill", pools.PrefillGpus / size), new Engine("decode", pools.DecodeGpus / size)];
    }

    /// <summary>Refuses the settings no serving framework here takes as a flag.</summary>
    public static void CheckCommon(FrameworkSpec f, ServingTarget t)
    {
        var job = t.Job;
        if (job.DraftTokens > 0)
            throw Refuse.Setting(f, $"draft_tokens={job.DraftTokens}", "speculative decoding needs a draft model or method the scenario does not name; export without it and add the engine's speculative settings");
        if (job.ExpertPrecision is { } ep && ep != t.Scenario.Precision)
            throw Refuse.Setting(f, $"expert_precision={ep.Label()}", $"a mixed {t.Scenario.Precision.Label()}/{ep.Label()} checkpoint carries its precisions in its quantization config, not in a flag; serve such a checkpoint and drop expert_precision");
        foreach (var (key, format) in new[] { ("weight_precision", job.WeightFormat), ("expert_weight_precision", job.ExpertWeightFormat) })
            if (format is not null)
                throw Refuse.Setting(f, $"{key}={format.Label}", $"a weight-only quantized checkpoint carries its format in its quantization config, not in a flag; serve such a checkpoint and drop {key}");
    }

    /// <summary>Sequences per engine rank when attention runs <paramref name="ranks"/> data-parallel replicas, each scheduling its own.</summary>
    public static int PerRank(int concurrency, int ranks) => (concurrency + ranks - 1) / ranks;

    /// <summary>
    /// vLLM's and SGLang's shared spelling of the weights' precision: --dtype for 16- and 32-bit weights, online or
    /// checkpoint quantization (--quantization fp8, modelopt_fp4 for NVFP4) below that.
    /// </summary>
    public static void Weights(Settings a, Precision p)
    {
        switch (p)
        {
            case Precision.BF16: a.Text("--dtype", "bfloat16"); break;
            case Precision.FP16: a.Text("--dtype", "float16"); break;
            case Precision.FP32: a.Text("--dtype", "float32"); break;
            case Precision.FP8: a.Text("--quantization", "fp8"); break;
            case Precision.FP4: a.Text("--quantization", "modelopt_fp4"); break;
        }
    }

    /// <summary>The KV-cache precision an engine's 'auto' gives: the activations' dtype, bf16 unless the weights are fp16 or fp32.</summary>
    public static Precision AutoKv(Precision weights) => weights is Precision.FP16 or Precision.FP32 ? weights : Precision.BF16;

    /// <summary>The model repository, or a refusal when the catalog cites none for this model.</summary>
    public static string Repository(FrameworkSpec f, ServingTarget t) => t.Repository
        ?? throw Refuse.Setting(f, $"model {t.Scenario.Model.Name}", "the engine loads a Hugging Face repository and the catalog cites none for this model; add 'huggingface:' to its catalog file");
}
