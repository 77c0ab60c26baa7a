using System.Globalization;

namespace Augur.Units;

/// <summary>
/// A data rate in bytes per second, ONE direction unless the name of the holder says otherwise
/// (vendors often quote NVLink "900 GB/s" as both directions added; that is 450 GB/s here).
/// </summary>
public readonly record struct Bandwidth(double BytesPerSecond) : IComparable<Bandwidth>
{
    public static Bandwidth FromGBps(double gbps) => new(gbps * UnitConstants.Giga);
    public static Bandwidth FromTBps(double tbps) => new(tbps * UnitConstants.Tera);
    /// <summary>From a link rate in gigabits per second (e.g. a 400 Gb/s NIC = 50 GB/s).</summary>
    public static Bandwidth FromGbitps(double gbit) => new(gbit * UnitConstants.Giga / UnitConstants.BitsPerByte);
    public double GBps => BytesPerSecond / UnitConstants.Giga;
    public double TBps => BytesPerSecond / UnitConstants.Tera;
    public static Bandwidth operator *(Bandwidth b, double k) => new(b.BytesPerSecond * k);
    public static Bandwidth operator *(double k, Bandwidth b) => new(b.BytesPerSecond * k);
    public static Bandwidth operator /(Bandwidth b, double k) => new(b.BytesPerSecond / k);
    public static double operator /(Bandwidth a, Bandwidth b) => a.BytesPerSecond / b.BytesPerSecond;
    public static Bytes operator *(Bandwidth b, Seconds s) => new(b.BytesPerSecond * s.Value);
    public static Bandwidth Min(Bandwidth a, Bandwidth b) => a.BytesPerSecond <= b.BytesPerSecond ? a : b;
    public int CompareTo(Bandwidth other) => BytesPerSecond.CompareTo(other.BytesPerSecond);
    public override string ToString() => GBps.ToString("0.#", CultureInfo.InvariantCulture) + " GB/s";
}
