namespace Augur.Units;

/// <summary>
/// Conversion constants, written down once. Decimal prefixes (GB, TB, GB/s) are powers of 1000;
/// binary prefixes (GiB, TiB) are powers of 1024. Vendors quote HBM in GB (10^9 bytes) and link
/// bandwidth in GB/s (10^9 bytes/s); memory reports use GiB (2^30 bytes).
/// </summary>
public static class UnitConstants
{
    /// <summary>10^3.</summary>
    public const double Kilo = 1e3;
    /// <summary>10^6.</summary>
    public const double Mega = 1e6;
    /// <summary>10^9.</summary>
    public const double Giga = 1e9;
    /// <summary>10^12.</summary>
    public const double Tera = 1e12;
    /// <summary>10^15.</summary>
    public const double Peta = 1e15;
    /// <summary>2^10 = 1,024 bytes.</summary>
    public const double BytesPerKiB = 1024.0;
    /// <summary>2^20 = 1,048,576 bytes.</summary>
    public const double BytesPerMiB = 1024.0 * 1024.0;
    /// <summary>2^30 = 1,073,741,824 bytes.</summary>
    public const double BytesPerGiB = 1024.0 * 1024.0 * 1024.0;
    /// <summary>Bits in a byte (8).</summary>
    public const double BitsPerByte = 8.0;
    /// <summary>3,600 seconds.</summary>
    public const double SecondsPerHour = 3600.0;
    /// <summary>86,400 seconds.</summary>
    public const double SecondsPerDay = 86400.0;
    /// <summary>365.25 days of 86,400 s (Julian year) = 31,557,600 s.</summary>
    public const double SecondsPerYear = 365.25 * 86400.0;
    /// <summary>1 µs = 10^-6 s.</summary>
    public const double SecondsPerMicrosecond = 1e-6;
    /// <summary>3.6·10^6 joules in a kilowatt-hour.</summary>
    public const double JoulesPerKilowattHour = 3.6e6;
}
