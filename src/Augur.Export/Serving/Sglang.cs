using Augur.Domain.Frameworks;
using Augur.Domain.Hardware;

namespace Augur.Export.Serving;

/// <summary>
/// SGLang (<c>sglang.launch_server</c>) arguments. With data-parallel attention the engine's <c>--tp-size</c> is all
/// tp x dp_attention GPUs of a stage and <c>--dp-size</c> the attention replicas (each tp-size / dp-size GPUs wide);
/// <c>--ep-size</c> of them hold the experts. <c>--max-running-requests</c> caps the whole engine. Disaggregated
/// pools are prefill and decode servers (<c>--disaggregation-mode</c>) behind SGLang's router.
/// </summary>
static class Sglang
{
    public static Mapped Map(FrameworkSpec f, ServingTarget t)
    {
        ServingTerms.CheckCommon(f, t);
        var l = t.Layout;
        var job = t.Job;
        string repository = ServingTerms.Repository(f, t);
        var launches = new List<Launch>();
        foreach (var engine in ServingTerms.Engines(f, t))
        {
            var a = new Settings(f).Text("--model-path", repository).Int("--tp-size", l.GpusPerStage);
            if (l.Pp > 1) a.Int("--pp-size", l.Pp);
            if (l.DpAttention > 1) a.Int("--dp-size", l.DpAttention).Flag("--enable-dp-attention");
            if (t.Moe && l.Ep > 1) a.Int("--ep-size", l.Ep);
            a.Int("--context-length", t.MaxModelLength);
            if (engine.Role != "prefill") a.Int("--max-running-requests", t.Estimate.Concurrency);
            a.Number("--mem-fraction-static", job.MemoryFraction);
            if (!job.CudaGraphs) a.Flag("--disable-cuda-graph");
            Precision(f, a, t.Scenario.Precision, job.KvPrecision);
            if (t.Disaggregated) a.Text("--disaggregation-mode", engine.Role);
            launches.Add(new Launch(engine.Role, engine.Instances, l.GpusPerReplica, f.Command, a.Items));
        }
        var notes = new List<string>();
        if (t.Disaggregated)
            notes.Add("start the router in front of the pools: python -m sglang_router.launch_router --pd-disaggregation --prefill <each prefill URL> --decode <each decode URL>");
        return new Mapped(notes, launches);
    }

    static void Precision(FrameworkSpec f, Settings a, Precision weights, Precision kv)
    {
        ServingTerms.Weights(a, weights);
        a.Text("--kv-cache-dtype", kv switch
        {
            Domain.Hardware.Precision.BF16 => "bf16",
            Domain.Hardware.Precision.FP8 => "fp8_e4m3",
            Domain.Hardware.Precision.FP4 => "nvfp4",
            Domain.Hardware.Precision.FP16 when weights == Domain.Hardware.Precision.FP16 => "auto",
            _ => throw Refuse.Setting(f, $"kv_precision={kv.Label()}", "its cache is bf16, fp8_e4m3, nvfp4, or the model's own dtype (auto)"),
        });
    }
}
