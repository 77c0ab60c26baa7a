using Augur.Catalog.Files;
using Augur.Domain;
using Augur.Domain.Hardware;
using Augur.Units;

namespace Augur.Catalog.Loading;

/// <summary>Reads one calibration family file.</summary>
public static class CalibrationReader
{
    public static HardwareCalibration Read(MappingNode n) => new()
    {
        Family = n.String("family"),
        GemmEfficiency = PerPrecision(n.Mapping("gemm_efficiency")),
        AttentionEfficiency = PerPrecision(n.Mapping("attention_efficiency")),
        AttentionRowOverheadTokens = n.OptionalNumber("attention_row_overhead_tokens") ?? 0,
        AttentionBackwardRowOverheadTokens = n.OptionalNumber("attention_backward_row_overhead_tokens") ?? 0,
        Flash2 = n.OptionalMapping("attention_flash2") is { } f2
            ? new FusedAttentionRates(f2.Number("bf16"), f2.Number("row_overhead_tokens"), f2.Number("backward_row_overhead_tokens")) : null,
        LinearAttention = n.OptionalMapping("linear_attention") is { } la
            ? new LinearAttentionRate(
                la.Number("peak_tflops", 0.001, 1e5, "a kernel's rate on one chip, in TFLOP/s"),
                la.Number("half_heads", 0, 1e4, "value heads per GPU at which the kernel reaches half its peak")) : null,
        MemoryEfficiency = n.Number("memory_efficiency"),
        KernelOverhead = Seconds.FromMicroseconds(n.Number("kernel_overhead_us")),
        ScaleUp = Tier(n.Mapping("scale_up")),
        ScaleOut = Tier(n.Mapping("scale_out")),
        InNetworkReductionGain = n.Number("in_network_reduction_gain"),
        PeerAllReduceLatency = n.OptionalNumber("peer_all_reduce_us", 0.1, 1000, "a microsecond-scale kernel") is { } peer ? Seconds.FromMicroseconds(peer) : null,
        RuntimeReserve = Bytes.FromGiB(n.Number("runtime_reserve_gib")),
        Fragmentation = n.Number("fragmentation"),
        ServingIterationOverhead = Seconds.FromMilliseconds(n.Number("serving_iteration_overhead_ms")),
        Host = n.OptionalMapping("host_issue") is { } h ? Host(h) : null,
        CompiledStep = n.OptionalBool("compiled_step") ?? false,
        CollectiveSms = n.OptionalInteger("collective_sms", 0, 10_000, "SMs a collective holds, none to a chip's worth") ?? 0,
        TrainingGemmSets = n.Get("training_gemms") is { } sets
            ? (sets as SequenceNode)?.Items.Select(i => i is ScalarNode { Text: { Length: > 0 } t } ? t : throw new InputException($"{i.Path}: expected a measurement set id")).ToList()
              ?? throw new InputException($"{n.Path}.training_gemms: give a list of measurement set ids (catalog/measurements)")
            : [],
        Sources = HardwareReader.Sources(n),
        Notes = n.OptionalString("notes") ?? "",
    };

    /// <summary><c>host_issue: {attention_forward_us, router_forward_us, exchange_forward_us, expert_forward_us, gemm_call_us}</c>.</summary>
    static HostIssue Host(MappingNode h) => new()
    {
        AttentionForward = Seconds.FromMicroseconds(h.Number("attention_forward_us")),
        RouterForward = Seconds.FromMicroseconds(h.Number("router_forward_us")),
        ExchangeForward = Seconds.FromMicroseconds(h.Number("exchange_forward_us")),
        ExpertForward = Seconds.FromMicroseconds(h.Number("expert_forward_us")),
        GemmCall = Seconds.FromMicroseconds(h.Number("gemm_call_us")),
    };

    static TierCalibration Tier(MappingNode n) =>
        new(n.Number("bus_bw_efficiency"), Seconds.FromMicroseconds(n.Number("latency_us")));

    /// <summary>Per-precision fractions; a precision left out takes the next wider one's value (fp4 → fp8 → bf16).</summary>
    static double[] PerPrecision(MappingNode n)
    {
        var v = Given(n);
        if (v[(int)Precision.FP16] == 0) v[(int)Precision.FP16] = v[(int)Precision.BF16];
        if (v[(int)Precision.FP8] == 0) v[(int)Precision.FP8] = v[(int)Precision.BF16];
        if (v[(int)Precision.FP4] == 0) v[(int)Precision.FP4] = v[(int)Precision.FP8];
        if (v[(int)Precision.FP32] == 0) v[(int)Precision.FP32] = v[(int)Precision.BF16];
        return v;
    }

    /// <summary>The fractions a file gives, per precision (0 where it gives none), each in (0, 1].</summary>
    public static double[] Given(MappingNode n)
    {
        var v = new double[PrecisionInfo.Count];
        foreach (var (key, _) in n.Entries)
        {
            if (!PrecisionInfo.TryParse(key, out var p)) throw new InputException($"{n.Path}: unknown precision '{key}'");
            v[(int)p] = n.Number(key);
            if (v[(int)p] is <= 0 or > 1) throw new InputException($"{n.Path}.{key}: a fraction of the peak must be in (0, 1], got {v[(int)p]}");
        }
        return v;
    }
}
