namespace Augur.Domain.Hardware;

/// <summary>
/// How serving stores weights when they are narrower than the GEMM that uses them (weight-only quantization): the
/// kernel reads the packed weights and their block scales, dequantizes them in registers and multiplies at the
/// activations' precision (Marlin-style W4A16, MXFP4 gpt-oss on Hopper). Bits per weight include the scales.
/// </summary>
/// <param name="Label">The scenario's name for it.</param>
/// <param name="ElementBits">Bits of one value without its scale.</param>
/// <param name="BitsPerWeight">Stored bits per weight, block scales included.</param>
public sealed record WeightFormat(string Label, double ElementBits, double BitsPerWeight)
{
    /// <summary>Stored bytes per weight, scales included.</summary>
    public double BytesPerWeight => BitsPerWeight / 8.0;

    /// <summary>OCP Microscaling Formats (MX) v1.0 §5: FP4 (E2M1) values in blocks of 32 sharing one 8-bit E8M0 scale: 4 + 8/32 = 4.25 bits.</summary>
    public static readonly WeightFormat Mxfp4 = new("mxfp4", 4, 4 + 8.0 / 32);

    /// <summary>
    /// AWQ/GPTQ INT4 with group size 128 and one fp16 scale per group: 4 + 16/128 = 4.125 bits (AWQ's 4-bit zero points
    /// add 4/128 more, left out).
    /// </summary>
    public static readonly WeightFormat Int4 = new("int4", 4, 4 + 16.0 / 128);

    /// <summary>The format a GEMM precision stores its own weights in (NVFP4's 4.5 bits, FP8 with its block scales).</summary>
    public static WeightFormat Of(Precision p) => new(p.Label(), 8 * p.BytesPerElement(), 8 * p.StoredBytesPerWeight());

    /// <summary>Formats a scenario may name: the GEMM precisions' own, MXFP4 (OCP block scales) and INT4 (group 128).</summary>
    public static bool TryParse(string text, out WeightFormat format)
    {
        string t = text.Trim().ToLowerInvariant();
        if (t == Mxfp4.Label) { format = Mxfp4; return true; }
        if (t == Int4.Label) { format = Int4; return true; }
        if (t != "mxfp4" && PrecisionInfo.TryParse(t, out var p) && p != Precision.FP32) { format = Of(p); return true; }
        format = Of(Precision.BF16);
        return false;
    }

    /// <summary>Names <see cref="TryParse"/> accepts, for messages.</summary>
    public const string Names = "bf16, fp16, fp8, fp4 (nvfp4), mxfp4 or int4";
}
