using System.Globalization;

namespace Augur.Units;

/// <summary>A duration in seconds. <c>default</c> is zero.</summary>
public readonly record struct Seconds(double Value) : IComparable<Seconds>
{
    public static Seconds Zero => default;
    public static Seconds FromMicroseconds(double us) => new(us * UnitConstants.SecondsPerMicrosecond);
    public static Seconds FromMilliseconds(double ms) => new(ms / UnitConstants.Kilo);
    public static Seconds FromHours(double h) => new(h * UnitConstants.SecondsPerHour);
    public static Seconds FromDays(double d) => new(d * UnitConstants.SecondsPerDay);
    public double Milliseconds => Value * UnitConstants.Kilo;
    public double Microseconds => Value / UnitConstants.SecondsPerMicrosecond;
    public double Hours => Value / UnitConstants.SecondsPerHour;
    public double Days => Value / UnitConstants.SecondsPerDay;
    public double Years => Value / UnitConstants.SecondsPerYear;
    public static Seconds operator +(Seconds a, Seconds b) => new(a.Value + b.Value);
    public static Seconds operator -(Seconds a, Seconds b) => new(a.Value - b.Value);
    public static Seconds operator *(Seconds a, double k) => new(a.Value * k);
    public static Seconds operator *(double k, Seconds a) => new(a.Value * k);
    public static Seconds operator /(Seconds a, double k) => new(a.Value / k);
    public static double operator /(Seconds a, Seconds b) => a.Value / b.Value;
    public static bool operator <(Seconds a, Seconds b) => a.Value < b.Value;
    public static bool operator >(Seconds a, Seconds b) => a.Value > b.Value;
    public static bool operator <=(Seconds a, Seconds b) => a.Value <= b.Value;
    public static bool operator >=(Seconds a, Seconds b) => a.Value >= b.Value;
    public static Seconds Max(Seconds a, Seconds b) => a.Value >= b.Value ? a : b;
    public static Seconds Min(Seconds a, Seconds b) => a.Value <= b.Value ? a : b;
    public int CompareTo(Seconds other) => Value.CompareTo(other.Value);
    public override string ToString() => Value.ToString("0.####", CultureInfo.InvariantCulture) + " s";
}
