using System.Globalization;

namespace Augur.Units;

/// <summary>Power in watts.</summary>
public readonly record struct Watts(double Value)
{
    public static Watts operator *(Watts w, double k) => new(w.Value * k);
    public static Joules operator *(Watts w, Seconds s) => new(w.Value * s.Value);
    public override string ToString() => Value.ToString("0.#", CultureInfo.InvariantCulture) + " W";
}

/// <summary>Energy in joules.</summary>
public readonly record struct Joules(double Value)
{
    public double KilowattHours => Value / UnitConstants.JoulesPerKilowattHour;
    public double MegawattHours => KilowattHours / UnitConstants.Kilo;
    public static Joules operator +(Joules a, Joules b) => new(a.Value + b.Value);
    public static Joules operator /(Joules a, double k) => new(a.Value / k);
    public override string ToString() => KilowattHours.ToString("0.##", CultureInfo.InvariantCulture) + " kWh";
}

/// <summary>A count of tokens (may be fractional as an average).</summary>
public readonly record struct Tokens(double Value)
{
    public static Tokens operator +(Tokens a, Tokens b) => new(a.Value + b.Value);
    public static Tokens operator *(Tokens a, double k) => new(a.Value * k);
    public static TokenRate operator /(Tokens t, Seconds s) => new(t.Value / s.Value);
    public override string ToString() => Value.ToString("0.###e+0", CultureInfo.InvariantCulture) + " tokens";
}

/// <summary>Tokens per second.</summary>
public readonly record struct TokenRate(double PerSecond)
{
    public static TokenRate operator /(TokenRate r, double k) => new(r.PerSecond / k);
    public static TokenRate operator *(TokenRate r, double k) => new(r.PerSecond * k);
    public override string ToString() => PerSecond.ToString("0.#", CultureInfo.InvariantCulture) + " tok/s";
}
