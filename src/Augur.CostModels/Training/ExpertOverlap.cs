namespace Augur.CostModels.Training;

/// <summary>
/// Communication overlapped with compute, and the streaming multiprocessors its kernels take from that compute: the expert
/// all-to-all beside another micro-batch's compute (<see cref="Domain.Parallelism.ParallelLayout.OverlapExperts"/>) and
/// the data-parallel collectives beside the backward and forward (<see cref="Domain.Hardware.HardwareCalibration.CollectiveSms"/>).
/// The dispatch and combine kernels occupy their SMs for as long as they run (DeepEP launches one block per SM it is
/// given), as NCCL's do (one block per channel, never sharing its SM), so while the communication runs the compute beside
/// it has the rest.
/// </summary>
public static class ExpertOverlap
{
    /// <summary>
    /// SMs the exchange kernels occupy: Megatron-core's <c>moe_deepep_num_sms = 20</c> (NVIDIA/Megatron-LM
    /// megatron/core/transformer/transformer_config.py @ core_v0.14.0 23e00ed0, handed to DeepEP's Buffer.set_num_sms in
    /// moe/token_dispatcher.py), DeepEP's own default <c>Buffer.num_sms = 20</c> (deepseek-ai/DeepEP deep_ep/buffer.py
    /// @ 04b06f7a), and the 20 of an H800's 132 SMs DeepSeek-V3 gives its communication (arXiv:2412.19437 §3.5.1).
    /// </summary>
    public const int ExchangeSms = 20;

    /// <summary>
    /// The exchange's time per step when overlapped. Megatron-core's combined 1F1B schedule runs micro-batch i + 1's forward
    /// beside micro-batch i's backward, each one's all-to-all under the other's compute (megatron/core/pipeline_parallel/
    /// schedules.py, combined_1f1b): of the <paramref name="microBatches"/> m, the m − 1 pairs pay only what their exchange E
    /// (one micro-batch's dispatch and combine in both directions) costs beyond their compute C (one micro-batch's forward
    /// and backward); the first forward and the last backward run alone and pay theirs in full, one exchange between them.
    /// While a pair's exchange runs the compute beside it progresses at 1 − σ of its pace (<paramref name="lost"/>,
    /// <see cref="LostShare"/>), so the pair takes C + σ·E, or E when the exchange outlasts the slowed compute: beyond its
    /// compute it pays max(E − C, σ·E). Per step E + (m − 1)·max(E − C, σ·E); without overlap it is m·E.
    /// </summary>
    public static double PerStep(double exchange, double compute, int microBatches, double lost) =>
        exchange + (microBatches - 1) * Beyond(exchange, compute, lost);

    /// <summary>
    /// What a communication of time E overlapped with compute of time C adds to C when it takes <paramref name="lost"/> σ
    /// of the compute's pace while it runs: the pair takes the longer of E and C + σ·E, so max(E − C, σ·E).
    /// </summary>
    public static double Beyond(double communication, double compute, double lost) =>
        Math.Max(communication - compute, lost * communication);

    /// <summary>
    /// Share σ of the compute's throughput lost while the exchange runs on a chip of <paramref name="sms"/> SMs: the
    /// compute-bound part f (GEMMs and attention) runs on (S − s)/S of the SMs, so a compute time C takes
    /// C′ = C·(f·S/(S − s) + 1 − f) and σ = 1 − C/C′. Memory-bound kernels are taken to keep their pace, held by HBM
    /// bandwidth rather than by SMs (a simplification, not a measurement). 0 for a chip without SMs
    /// (<see cref="Domain.Hardware.Accelerator.Sms"/> null: TPU, Trainium and Gaudi move collectives on engines of their own).
    /// </summary>
    public static double LostShare(int? sms, double computeBoundFraction) => LostShare(sms, computeBoundFraction, ExchangeSms);

    /// <summary>The same for a communication kernel that holds <paramref name="commSms"/> SMs (0: none, nothing lost).</summary>
    public static double LostShare(int? sms, double computeBoundFraction, int commSms)
    {
        if (sms is not { } s || commSms <= 0 || s <= commSms) return 0;
        double f = Math.Clamp(computeBoundFraction, 0, 1);
        return 1 - 1 / (f * s / (s - commSms) + 1 - f);
    }
}
