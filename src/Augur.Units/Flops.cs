using System.Globalization;

namespace Augur.Units;

/// <summary>
/// A count of floating-point operations (work), as opposed to <see cref="FlopRate"/> (work per second).
/// One multiply-accumulate is two FLOPs. <c>default</c> is zero.
/// </summary>
public readonly record struct Flops(double Value) : IComparable<Flops>
{
    public static Flops Zero => default;
    public static Flops operator +(Flops a, Flops b) => new(a.Value + b.Value);
    public static Flops operator -(Flops a, Flops b) => new(a.Value - b.Value);
    public static Flops operator *(Flops a, double k) => new(a.Value * k);
    public static Flops operator *(double k, Flops a) => new(a.Value * k);
    public static Flops operator /(Flops a, double k) => new(a.Value / k);
    public static double operator /(Flops a, Flops b) => a.Value / b.Value;
    public static Seconds operator /(Flops f, FlopRate r) => new(f.Value / r.PerSecond);
    public static FlopRate operator /(Flops f, Seconds s) => new(f.Value / s.Value);
    public int CompareTo(Flops other) => Value.CompareTo(other.Value);
    public override string ToString() => Value.ToString("0.###e+0", CultureInfo.InvariantCulture) + " FLOP";
}

/// <summary>
/// A rate of floating-point work in FLOP/s. Catalog peaks are DENSE rates (no 2:4 sparsity) unless a
/// name says otherwise; achieved rates are peaks times an efficiency. <c>default</c> is zero.
/// </summary>
public readonly record struct FlopRate(double PerSecond) : IComparable<FlopRate>
{
    public static FlopRate FromTflops(double t) => new(t * UnitConstants.Tera);
    public static FlopRate FromPflops(double p) => new(p * UnitConstants.Peta);
    public double Tflops => PerSecond / UnitConstants.Tera;
    public double Pflops => PerSecond / UnitConstants.Peta;
    public static FlopRate operator *(FlopRate r, double k) => new(r.PerSecond * k);
    public static FlopRate operator *(double k, FlopRate r) => new(r.PerSecond * k);
    public static FlopRate operator +(FlopRate a, FlopRate b) => new(a.PerSecond + b.PerSecond);
    public static double operator /(FlopRate a, FlopRate b) => a.PerSecond / b.PerSecond;
    public static Flops operator *(FlopRate r, Seconds s) => new(r.PerSecond * s.Value);
    public int CompareTo(FlopRate other) => PerSecond.CompareTo(other.PerSecond);
    public override string ToString() => Tflops.ToString("0.#", CultureInfo.InvariantCulture) + " TFLOP/s";
}
