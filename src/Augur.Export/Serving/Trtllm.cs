using Augur.Domain.Frameworks;
using Augur.Domain.Hardware;

namespace Augur.Export.Serving;

/// <summary>
/// TensorRT-LLM LLM-API options (YAML for <c>trtllm-serve MODEL --config FILE</c>), or the disaggregated server's
/// config with <c>context_servers</c> and <c>generation_servers</c>. Attention data parallelism gives every rank
/// its own attention replica, so it needs tp 1. The KV cache takes a share of the memory left after the weights.
/// </summary>
static class Trtllm
{
    public static Mapped Map(FrameworkSpec f, ServingTarget t)
    {
        ServingTerms.CheckCommon(f, t);
        var l = t.Layout;
        var job = t.Job;
        if (!job.CudaGraphs)
            throw Refuse.Setting(f, "cuda_graphs=false", "Augur has no measured eager host time for TensorRT-LLM, so it writes no launch without graphs; export to vllm or sglang, or remove cuda_graphs");
        if (l.DpAttention > 1 && l.Tp > 1)
            throw Refuse.Setting(f, $"tp={l.Tp} with dp_attention={l.DpAttention}", "its attention data parallelism runs one GPU per attention replica; use tp 1");
        string repository = ServingTerms.Repository(f, t);
        double kvShare = KvShare(f, t);
        var launches = new List<Launch>();
        var engines = ServingTerms.Engines(f, t);
        foreach (var engine in engines)
        {
            var a = new Settings(f);
            if (t.Disaggregated) a.Int("num_instances", engine.Instances);
            a.Int("tensor_parallel_size", l.GpusPerStage).Int("pipeline_parallel_size", l.Pp);
            if (t.Moe) a.Int("moe_expert_parallel_size", l.Ep).Int("moe_tensor_parallel_size", l.Etp);
            if (l.DpAttention > 1) a.Bool("enable_attention_dp", true);
            Dtype(a, t.Scenario.Precision);
            if (engine.Role != "prefill") a.Int("max_batch_size", ServingTerms.PerRank(t.Estimate.Concurrency, l.DpAttention));
            a.Int("max_seq_len", t.MaxModelLength);
            a.Text("kv_cache_config.dtype", Kv(f, t.Scenario.Precision, job.KvPrecision));
            a.Number("kv_cache_config.free_gpu_memory_fraction", kvShare);
            string? section = engine.Role switch { "prefill" => "context_servers", "decode" => "generation_servers", _ => null };
            launches.Add(new Launch(engine.Role, engine.Instances, l.GpusPerReplica, $"{f.Command} {repository}", a.Items, section));
        }
        var notes = new List<string>
        {
            FormattableString.Invariant($"kv_cache_config.free_gpu_memory_fraction {ExportFormat.Number(kvShare)} is memory_fraction {ExportFormat.Number(job.MemoryFraction)} of HBM less what is there before the cache (weights, activations, runtime), as a share of what is left"),
        };
        if (t.Scenario.Precision is Precision.FP8 or Precision.FP4)
            notes.Add($"serve the model's {t.Scenario.Precision.Label()} checkpoint (TensorRT-LLM reads the weight precision from the checkpoint's quantization config)");
        if (l.DpAttention > 1) notes.Add("max_batch_size is set per attention data-parallel rank (ASSUMPTION: each rank schedules its own batch, as each holds its own KV cache)");
        notes.Add(t.Disaggregated
            ? "start each server with 'trtllm-serve MODEL --config' and its section's fields, then 'trtllm-serve disaggregated -c' with this file and the servers' urls"
            : FormattableString.Invariant($"run {launches[0].Instances} server(s) of {l.GpusPerReplica} GPUs: trtllm-serve {repository} --config <this file>"));
        return new Mapped(notes, launches);
    }

    /// <summary>
    /// TensorRT-LLM's free_gpu_memory_fraction is the cache's share of the memory free after loading: (fraction x HBM
    /// − what is held before the cache) / (HBM − the same), where Augur's memory_fraction is a share of all HBM.
    /// </summary>
    static double KvShare(FrameworkSpec f, ServingTarget t)
    {
        var m = t.Estimate.MemoryPerGpu;
        double hbm = t.Scenario.Cluster.Accelerator.HbmCapacity.Value;
        double held = (m.Weights + m.Activations + m.Runtime).Value;
        double share = (t.Job.MemoryFraction * hbm - held) / (hbm - held);
        if (share <= 0)
            throw Refuse.Setting(f, FormattableString.Invariant($"memory_fraction={t.Job.MemoryFraction}"), "the weights and activations already take that share of HBM, leaving the cache nothing");
        return Math.Round(share, 3);
    }

    static void Dtype(Settings a, Precision weights) => a.Text("dtype", weights switch
    {
        Precision.BF16 => "bfloat16",
        Precision.FP16 => "float16",
        Precision.FP32 => "float32",
        _ => "auto",
    });

    static string Kv(FrameworkSpec f, Precision weights, Precision kv) => kv switch
    {
        Precision.FP8 => "fp8",
        Precision.FP4 => "nvfp4",
        _ when kv == ServingTerms.AutoKv(weights) => "auto",
        _ => throw Refuse.Setting(f, $"kv_precision={kv.Label()}", "its cache is the model's dtype (auto), fp8 or nvfp4"),
    };
}
