using Augur.Domain.Frameworks;
using Augur.Domain.Hardware;
using Augur.Domain.Models;

namespace Augur.CostModels.Inference;

/// <summary>
/// trtllm-bench's own max_batch_size and max_num_tokens when the user gives neither (NVIDIA/TensorRT-LLM
/// tensorrt_llm/bench/build/tuning.py @ 04cba882, calc_engine_setting and finetune_setting, the same rule in every
/// stored version of the file; tensorrt_llm/bench/benchmark/utils/general.py get_settings for the no-chunking floor).
/// It sizes from its own estimate of the KV cache, not from what the engine later allocates:
/// requests = (GPU GiB × gpus − parameters × bytes per weight / 2^30) × fraction / (KV GiB per token × (input + output)),
/// KV per token = 2 × attention layers × max(tp, kv heads) × head dim × KV bytes.
/// </summary>
public static class BenchSizing
{
    /// <summary>max_batch_size (per pipeline micro-batch) and max_num_tokens for this model, layout and request shape.</summary>
    public static (int MaxBatch, int MaxTokens) Settings(BenchTuning t, ModelSpec m, double parameters, Accelerator a, Precision weights,
        Precision kv, int tp, int pp, double fraction, int input, int output)
    {
        double requests = KvRequests(m, parameters, a, weights, kv, tp, pp, fraction, input + output);
        double rawBatch = Math.Min(requests, t.BatchCap) / pp;
        double rawTokens = Math.Min(rawBatch * (1 + (double)input / output), t.TokenCap);
        int batch = rawBatch < 256 ? Math.Max(64, 32 * (int)Math.Ceiling(rawBatch / 32))
            : rawBatch < 1024 ? 128 * (int)Math.Ceiling(rawBatch / 128)
            : 256 * (int)Math.Ceiling(rawBatch / 256);
        int tokens = rawTokens < 4096 ? Math.Max(2048, 256 * (int)Math.Ceiling(rawTokens / 256))
            : rawTokens < 8192 ? 512 * (int)Math.Ceiling(rawTokens / 512)
            : 1024 * (int)Math.Ceiling(rawTokens / 1024);
        // Chunked prefill is off in trtllm-bench unless asked for, so a whole prompt must fit one iteration's budget.
        return (batch, Math.Max(tokens, input + batch));
    }

    /// <summary>Requests of full length the KV cache holds, by trtllm-bench's estimate.</summary>
    public static double KvRequests(ModelSpec m, double parameters, Accelerator a, Precision weights, Precision kv, int tp, int pp, double fraction, int sequence)
    {
        const double Gib = 1024.0 * 1024 * 1024;
        double kvGibPerToken = 2.0 * m.SoftmaxLayers * Math.Max(tp, m.KvHeads) * m.HeadDim * BytesPerElement(kv) / Gib;
        double engine = parameters * BytesPerElement(weights) / Gib;
        double available = a.HbmCapacity.GiB * tp * pp - engine;
        return available * fraction / (kvGibPerToken * sequence);
    }

    /// <summary>The source's BYTES_PER_ELEM: NVFP4 0.5, FP8 1, anything else 2.</summary>
    static double BytesPerElement(Precision p) => p switch { Precision.FP4 => 0.5, Precision.FP8 => 1, _ => 2 };
}
