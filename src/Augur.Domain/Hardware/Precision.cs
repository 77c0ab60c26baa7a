namespace Augur.Domain.Hardware;

/// <summary>Numeric format of the matrix math (and of the stored weights where noted).</summary>
public enum Precision { FP32 = 0, BF16 = 1, FP16 = 2, FP8 = 3, FP4 = 4 }

public static class PrecisionInfo
{
    public const int Count = 5;

    /// <summary>Bytes per element, without block-scale overhead.</summary>
    public static double BytesPerElement(this Precision p) => p switch
    {
        Precision.FP32 => 4.0,
        Precision.BF16 or Precision.FP16 => 2.0,
        Precision.FP8 => 1.0,
        Precision.FP4 => 0.5,
        _ => throw new ArgumentOutOfRangeException(nameof(p)),
    };

    /// <summary>
    /// Bytes per stored weight including block scales: FP8 with one FP32 scale per 128x128 block
    /// (DeepSeek-V3 report Sec 3.3) is ≈1.0 byte; NVFP4 carries one FP8 scale per 16 values
    /// (4.5 bits/weight; docs/FORMULAS.md §2).
    /// </summary>
    public static double StoredBytesPerWeight(this Precision p) => p switch
    {
        Precision.FP4 => 4.5 / 8.0,
        Precision.FP8 => 1.0 + 4.0 / (128.0 * 128.0),
        _ => p.BytesPerElement(),
    };

    public static string Label(this Precision p) => p.ToString().ToLowerInvariant();

    public static bool TryParse(string text, out Precision precision)
    {
        switch (text.Trim().ToLowerInvariant())
        {
            case "fp32": precision = Precision.FP32; return true;
            case "bf16": precision = Precision.BF16; return true;
            case "fp16": precision = Precision.FP16; return true;
            case "fp8": precision = Precision.FP8; return true;
            case "fp4": case "nvfp4": case "mxfp4": precision = Precision.FP4; return true;
            default: precision = Precision.BF16; return false;
        }
    }
}
