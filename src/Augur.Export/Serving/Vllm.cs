using Augur.Domain.Frameworks;
using Augur.Domain.Hardware;

namespace Augur.Export.Serving;

/// <summary>
/// vLLM (<c>vllm serve</c>) arguments. Data-parallel attention is <c>--data-parallel-size</c>; the experts are either
/// tensor-parallel over all tp x dp ranks (ep 1) or expert-parallel over them (<c>--enable-expert-parallel</c>, ep =
/// tp x dp); other EP degrees have no vLLM form. <c>--max-num-seqs</c> caps each data-parallel rank.
/// </summary>
static class Vllm
{
    public static Mapped Map(FrameworkSpec f, ServingTarget t)
    {
        ServingTerms.CheckCommon(f, t);
        var l = t.Layout;
        var job = t.Job;
        if (t.Moe && l.Ep != 1 && l.Ep != l.GpusPerStage)
            throw Refuse.Setting(f, $"ep={l.Ep}", $"--enable-expert-parallel spreads the experts over all tp x dp_attention = {l.GpusPerStage} GPUs (ep {l.GpusPerStage}) and without it they are tensor-parallel (ep 1)");
        string program = $"{f.Command} {ServingTerms.Repository(f, t)}";
        var launches = new List<Launch>();
        foreach (var engine in ServingTerms.Engines(f, t))
        {
            var a = new Settings(f).Int("--tensor-parallel-size", l.Tp);
            if (l.Pp > 1) a.Int("--pipeline-parallel-size", l.Pp);
            if (l.DpAttention > 1) a.Int("--data-parallel-size", l.DpAttention);
            if (t.Moe && l.Ep > 1) a.Flag("--enable-expert-parallel");
            a.Int("--max-model-len", t.MaxModelLength);
            if (engine.Role != "prefill") a.Int("--max-num-seqs", ServingTerms.PerRank(t.Estimate.Concurrency, l.DpAttention));
            a.Number("--gpu-memory-utilization", job.MemoryFraction);
            if (!job.CudaGraphs) a.Flag("--enforce-eager");
            if (job.Limits.HostOverlapsGpu) a.Flag("--async-scheduling");
            Precision(f, a, t.Scenario.Precision, job.KvPrecision);
            if (t.Disaggregated) a.Text("--kv-transfer-config", """{"kv_connector":"NixlConnector","kv_role":"kv_both"}""");
            launches.Add(new Launch(engine.Role, engine.Instances, l.GpusPerReplica, program, a.Items));
        }
        var notes = new List<string>();
        if (l.DpAttention > 1)
            notes.Add(FormattableString.Invariant($"--max-num-seqs caps each of the {l.DpAttention} data-parallel ranks: {t.Estimate.Concurrency} sequences per engine"));
        if (t.Disaggregated)
            notes.Add("prefill and decode engines exchange KV caches over NIXL; put a disaggregated-serving proxy or router (vLLM's example proxy, NVIDIA Dynamo) in front of them");
        return new Mapped(notes, launches);
    }

    static void Precision(FrameworkSpec f, Settings a, Precision weights, Precision kv)
    {
        ServingTerms.Weights(a, weights);
        var auto = ServingTerms.AutoKv(weights);
        a.Text("--kv-cache-dtype", kv switch
        {
            _ when kv == auto => "auto",
            Domain.Hardware.Precision.FP8 => "fp8",
            Domain.Hardware.Precision.FP4 => "nvfp4",
            _ => throw Refuse.Setting(f, $"kv_precision={kv.Label()}", $"with {weights.Label()} weights its cache is {auto.Label()} (auto), fp8 or nvfp4"),
        });
    }
}
