using System.Globalization;
using System.Numerics;

namespace Augur.Units;

/// <summary>An amount of data in bytes. <c>default</c> is zero.</summary>
public readonly record struct Bytes(double Value) :
    IAdditionOperators<Bytes, Bytes, Bytes>, ISubtractionOperators<Bytes, Bytes, Bytes>, IComparisonOperators<Bytes, Bytes, bool>
{
    public static Bytes Zero => default;
    public static Bytes FromGB(double gb) => new(gb * UnitConstants.Giga);
    public static Bytes FromGiB(double gib) => new(gib * UnitConstants.BytesPerGiB);
    public static Bytes FromMiB(double mib) => new(mib * UnitConstants.BytesPerMiB);
    public double GB => Value / UnitConstants.Giga;
    public double GiB => Value / UnitConstants.BytesPerGiB;
    public double MiB => Value / UnitConstants.BytesPerMiB;
    public static Bytes operator +(Bytes a, Bytes b) => new(a.Value + b.Value);
    public static Bytes operator -(Bytes a, Bytes b) => new(a.Value - b.Value);
    public static Bytes operator *(Bytes a, double k) => new(a.Value * k);
    public static Bytes operator *(double k, Bytes a) => new(a.Value * k);
    public static Bytes operator /(Bytes a, double k) => new(a.Value / k);
    public static double operator /(Bytes a, Bytes b) => a.Value / b.Value;
    public static Seconds operator /(Bytes b, Bandwidth bw) => new(b.Value / bw.BytesPerSecond);
    public static bool operator <(Bytes a, Bytes b) => a.Value < b.Value;
    public static bool operator >(Bytes a, Bytes b) => a.Value > b.Value;
    public static bool operator <=(Bytes a, Bytes b) => a.Value <= b.Value;
    public static bool operator >=(Bytes a, Bytes b) => a.Value >= b.Value;
    public static Bytes Max(Bytes a, Bytes b) => a.Value >= b.Value ? a : b;
    public static Bytes Min(Bytes a, Bytes b) => a.Value <= b.Value ? a : b;
    public override string ToString() => GiB.ToString("0.##", CultureInfo.InvariantCulture) + " GiB";
}
