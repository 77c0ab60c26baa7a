using System.Globalization;

namespace Augur.Units;

/// <summary>An amount of US dollars.</summary>
public readonly record struct Dollars(double Value)
{
    public static Dollars operator +(Dollars a, Dollars b) => new(a.Value + b.Value);
    public static Dollars operator *(Dollars a, double k) => new(a.Value * k);
    public static Dollars operator /(Dollars a, double k) => new(a.Value / k);
    public override string ToString() => "$" + Value.ToString("#,0.##", CultureInfo.InvariantCulture);
}

/// <summary>A price per GPU-hour in US dollars.</summary>
public readonly record struct DollarsPerGpuHour(double Value)
{
    public Dollars For(double gpus, Seconds time) => new(Value * gpus * time.Hours);
}
