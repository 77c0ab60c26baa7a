using System.Globalization;
using Augur.Domain.Frameworks;
using Augur.Domain.Hardware;
using Augur.Domain.Parallelism;
using Augur.Domain.Workloads;

namespace Augur.Export.Training;

/// <summary>
/// MaxText overrides of base.yml. Each parallel degree is a mesh axis split between the devices of one scale-up
/// domain (ici_*) and the domains (dcn_*). ZeRO 3 is the fsdp axis; ZeRO 0 and 1 are the data axis (1 with
/// shard_optimizer_over_data). The expert axis also carries the batch of the dense layers, so the data axis is
/// dp / ep, and the experts are split over the tensor axis too (etp = tp). The batch is given per device.
/// </summary>
static class MaxText
{
    public static Mapped Map(FrameworkSpec f, TrainingTarget t)
    {
        var l = t.Layout;
        var job = t.Job;
        var s = t.Scenario;
        TrainingTerms.RefuseGatherAfterBackward(f, job);
        TrainingTerms.RefuseLora(f, job);
        TrainingTerms.RefuseRecomputeLayers(f, t.Layout);
        TrainingTerms.RefuseOptimizerOffload(f, job);
        TrainingTerms.RefuseDispatcher(f, job);
        TrainingTerms.RefuseBf16Optimizer(f, job);
        if (l.Zero == 2)
            throw Refuse.Setting(f, "zero=2", "its axes replicate (data), shard the optimizer state (data with shard_optimizer_over_data) or shard everything (fsdp); use zero 0, 1 or 3");
        if (t.Moe && l.Ep > 1 && (l.Dp % l.Ep != 0 || l.Etp != l.Tp))
            throw Refuse.Setting(f, $"ep={l.Ep} etp={l.Etp}", $"its expert axis is carved from the data axis and experts are split over the tensor axis, so ep must divide dp ({l.Dp}) and etp equal tp ({l.Tp})");
        if (t.Moe && job.Routing == ExpertRoutingMode.Balanced)
            throw Refuse.Setting(f, "routing=balanced", "it has no setting that forces even expert routing");
        if (!job.OverlapDataParallel)
            throw Refuse.Setting(f, "overlap_dp=false", "XLA schedules the gradient collectives itself");
        if (l.OverlapExperts)
            throw Refuse.Setting(f, "ep_overlap=true", "XLA schedules the expert all-to-all itself");
        var a = new Settings(f);
        Mesh(f, a, t);
        Batch(f, a, t);
        a.Int("max_target_length", job.SeqLen);
        if (t.Steps is { } steps) a.Int("steps", steps);
        if (l.Pp > 1)
        {
            int stages = l.Pp * l.Vp;
            if (s.Model.Layers % stages != 0)
                throw Refuse.Setting(f, $"pp={l.Pp} vp={l.Vp}", $"each pipeline stage holds the same number of layers, and {s.Model.Layers} layers do not split into {stages}");
            a.Int("num_layers_per_pipeline_stage", s.Model.Layers / stages).Int("num_pipeline_repeats", l.Vp);
        }
        if (job.Remat is { } remat) Remat(a, remat, t.Moe);
        else a.Text("remat_policy", l.Recompute switch
        {
            // 'minimal_with_context' keeps every matmul output and the attention context: the policy that keeps most.
            Recompute.None => "minimal_with_context",
            // 'minimal' keeps the matmul outputs and recomputes the attention context (Megatron's selective).
            Recompute.Selective => "minimal",
            Recompute.Full => "full",
            var r => throw Refuse.Setting(f, $"recompute={RecomputeNames.Format(r)}", "its remat policies name tensors, not Megatron's modules; use none, selective or full"),
        });
        if (job.ExpertCapacityFactor is { } cf) a.Bool("sparse_matmul", false).Number("capacity_factor", cf);
        if (job.LogitChunks > 1) a.Int("num_vocab_tiling", job.LogitChunks);
        Precision(f, a, s);
        if (job.AttentionKernel == AttentionKernel.Unfused) a.Text("attention", "dot_product");
        var notes = new List<string>
        {
            FormattableString.Invariant($"ici_* axes span one {DomainSize(t)}-GPU scale-up domain and dcn_* axes the {t.Gpus / DomainSize(t)} domains (ASSUMPTION: one MaxText slice per scale-up domain)"),
            "add model_name (or the model's dimensions), the tokenizer and the dataset; these are the layout's",
        };
        if (t.Steps is null) notes.Add("the scenario sets no token or FLOP budget, so steps is yours to choose");
        return new Mapped(notes, [new Launch("train", 1, t.Gpus, f.Command, a.Items)]);
    }

    /// <summary>
    /// The scenario's own remat policy: its name, or 'custom' with each tensor's choice; an MoE model's expert tensors
    /// carry the same choice under their moe_ names too (base.yml @ e591f30 names them apart).
    /// </summary>
    static void Remat(Settings a, RematPolicy remat, bool moe)
    {
        if (remat.Name is { } name) { a.Text("remat_policy", name); return; }
        a.Text("remat_policy", "custom");
        foreach (var (tensor, choice) in remat.Choices)
        {
            string text = choice.ToString().ToLowerInvariant();
            a.Text(tensor, text);
            if (moe && tensor is "mlpwi_0" or "mlpwi_1" or "mlpwo") a.Text("moe_" + tensor, text);
        }
    }

    static int DomainSize(TrainingTarget t) => Math.Min(t.Scenario.Cluster.ScaleUpDomain, t.Gpus);

    /// <summary>Fills one domain's devices with the axes innermost first (tensor, context, expert, data, pipeline); the rest go across domains.</summary>
    static void Mesh(FrameworkSpec f, Settings a, TrainingTarget t)
    {
        var l = t.Layout;
        int ep = t.Moe ? l.Ep : 1;
        string tensor = l.Sp && l.Tp > 1 ? "tensor_sequence" : "tensor";
        string data = l.Zero == 3 ? "fsdp" : "data";
        (string Axis, int Degree)[] axes = [(tensor, l.Tp), ("context", l.Cp), ("expert", ep), (data, l.Dp / ep), ("pipeline", l.Pp)];
        int domain = DomainSize(t);
        if (t.Gpus % domain != 0)
            throw Refuse.Setting(f, $"cluster.gpus={t.Gpus}", $"its mesh fills whole {domain}-GPU domains");
        int room = domain;
        var split = new List<(string Axis, int Ici, int Dcn)>();
        foreach (var (axis, degree) in axes)
        {
            int ici = Gcd(degree, room);
            room /= ici;
            split.Add((axis, ici, degree / ici));
        }
        if (room != 1)
            throw Refuse.Setting(f, t.Layout.ToString(), $"its inner mesh axes must fill a {domain}-GPU scale-up domain exactly, and these degrees leave {room}-way gaps");
        foreach (var (axis, ici, _) in split)
            if (ici > 1 || axis is "fsdp" or "data") a.Int($"ici_{axis}_parallelism", ici);
        // base.yml leaves ici_fsdp and dcn_data at -1 (fill what is left); set both so nothing is filled for us.
        if (data != "fsdp") a.Int("ici_fsdp_parallelism", 1);
        foreach (var (axis, _, dcn) in split)
            if (dcn > 1 || axis is "fsdp" or "data") a.Int($"dcn_{axis}_parallelism", dcn);
        if (data != "data") a.Int("dcn_data_parallelism", 1);
        if (l.Zero == 1) a.Bool("shard_optimizer_over_data", true);
    }

    static int Gcd(int a, int b) => b == 0 ? a : Gcd(b, a % b);

    /// <summary>
    /// MaxText's global batch is per_device_batch_size x devices x gradient_accumulation_steps; with a pipeline
    /// the batch is cut into num_pipeline_microbatches instead of accumulated.
    /// </summary>
    static void Batch(FrameworkSpec f, Settings a, TrainingTarget t)
    {
        var l = t.Layout;
        int perStep = l.Pp > 1 ? t.Job.GlobalBatch : l.MicroBatch * l.Dp;
        double perDevice = (double)perStep / t.Gpus;
        string text = ExportFormat.Number(perDevice);
        if (Math.Abs(double.Parse(text, CultureInfo.InvariantCulture) * t.Gpus - perStep) > 1e-6)
            throw Refuse.Setting(f, $"global_batch={t.Job.GlobalBatch}", $"it takes the batch per device, and {perStep} sequences over {t.Gpus} GPUs is not a short decimal");
        a.Number("per_device_batch_size", perDevice);
        if (l.Pp > 1) a.Int("num_pipeline_microbatches", TrainingTerms.MicroBatches(t)).Int("gradient_accumulation_steps", 1);
        else a.Int("gradient_accumulation_steps", TrainingTerms.MicroBatches(t));
    }

    static void Precision(FrameworkSpec f, Settings a, Scenario s)
    {
        string vendor = s.Cluster.Accelerator.Vendor;
        switch (s.Precision)
        {
            case Domain.Hardware.Precision.BF16: a.Text("dtype", "bfloat16"); return;
            case Domain.Hardware.Precision.FP16: a.Text("dtype", "float16"); return;
            case Domain.Hardware.Precision.FP32: a.Text("dtype", "float32"); return;
            case Domain.Hardware.Precision.FP8 when vendor is "NVIDIA" or "AMD":
                a.Text("dtype", "bfloat16").Text("quantization", vendor == "NVIDIA" ? "fp8" : "nanoo_fp8");
                return;
            default:
                throw Refuse.Setting(f, $"precision={s.Precision.Label()} on {s.Cluster.Accelerator.Id}", "its quantization offers fp8 on NVIDIA GPUs and nanoo_fp8 on AMD GPUs, and no 4-bit training");
        }
    }
}
