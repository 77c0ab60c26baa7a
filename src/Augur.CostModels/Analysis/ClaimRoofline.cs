using Augur.Domain.Hardware;
using Augur.Domain.Models;
using Augur.Units;

namespace Augur.CostModels.Analysis;

/// <summary>
/// What a serving-throughput claim requires of each chip, by the roofline: the FLOP/s of every prompt's prefill and
/// every output token's decode, and the HBM bytes/s decode must read (each step reads the weights once for the whole
/// batch and every running sequence's KV cache). The batch is the largest the chips' HBM holds beside the weights,
/// the most favourable case, so the bytes/s is a lower bound.
/// </summary>
/// <param name="CountsInput">True when the claimed tokens count prompt tokens too (input + output per request); false for output tokens only.</param>
/// <param name="RequestsPerSecond">Requests the claim implies.</param>
/// <param name="FlopsPerSecondPerChip">Dense FLOP/s each chip must deliver.</param>
/// <param name="PrefillShare">Fraction of those FLOPs in prefill (compute-bound work).</param>
/// <param name="DecodeBytesPerSecondPerChip">HBM bytes/s each chip must read in decode, at the largest batch.</param>
/// <param name="Batch">Sequences decoding at once across the chips: what their HBM holds beside the weights.</param>
public sealed record ClaimRequirement(bool CountsInput, double RequestsPerSecond, FlopRate FlopsPerSecondPerChip, double PrefillShare,
    Bandwidth DecodeBytesPerSecondPerChip, long Batch);

public static class ClaimRoofline
{
    public static ClaimRequirement Require(ModelSpec m, Precision weights, Precision kv, int chips, double tokensPerSecond,
        int input, int output, bool countsInput, Bytes hbmPerChip)
    {
        double requests = tokensPerSecond / (countsInput ? input + output : output);
        double prefill = input * FlopCounter.ForSequence(m, input).Forward;
        double decodeContext = input + output / 2.0;
        double decode = output * FlopCounter.ForDecode(m, decodeContext).Forward;
        double flops = requests * (prefill + decode) / chips;

        double weightBytes = ParameterCounter.Count(m).Total * weights.StoredBytesPerWeight();
        double kvPerSequence = KvCache.BytesPerTokenAtContext(m, kv, input + output).Value * (input + output);
        long batch = (long)Math.Max(0, Math.Floor((hbmPerChip.Value * chips - weightBytes) / kvPerSequence));
        double perOutputToken = batch > 0
            ? weightBytes / batch + KvCache.BytesPerTokenAtContext(m, kv, decodeContext).Value * decodeContext
            : double.PositiveInfinity;
        double bytes = requests * output * perOutputToken / chips;
        return new ClaimRequirement(countsInput, requests, new FlopRate(flops), prefill / (prefill + decode), new Bandwidth(bytes), batch);
    }
}
