using System.Globalization;

namespace Augur.Units;

/// <summary>
/// Reads a bandwidth written with its unit ("450 GB/s", "400 Gbit/s", "400 Gb/s", "1.8 TB/s"). A capital B is a
/// byte and a small b a bit, as in SI usage; a bare number or a "gbps"-style unit is refused because it reads
/// both ways (400 GB/s is eight times 400 Gb/s).
/// </summary>
public static class BandwidthText
{
    static readonly (string Unit, double BytesPerSecond)[] Units =
    [
        ("B/s", 1), ("kB/s", UnitConstants.Kilo), ("MB/s", UnitConstants.Mega), ("GB/s", UnitConstants.Giga), ("TB/s", UnitConstants.Tera),
        ("bit/s", 1 / UnitConstants.BitsPerByte), ("kbit/s", UnitConstants.Kilo / UnitConstants.BitsPerByte),
        ("Mbit/s", UnitConstants.Mega / UnitConstants.BitsPerByte), ("Gbit/s", UnitConstants.Giga / UnitConstants.BitsPerByte),
        ("Tbit/s", UnitConstants.Tera / UnitConstants.BitsPerByte),
        ("kb/s", UnitConstants.Kilo / UnitConstants.BitsPerByte), ("Mb/s", UnitConstants.Mega / UnitConstants.BitsPerByte),
        ("Gb/s", UnitConstants.Giga / UnitConstants.BitsPerByte), ("Tb/s", UnitConstants.Tera / UnitConstants.BitsPerByte),
    ];

    /// <summary>The units accepted, for messages.</summary>
    public static string Accepted => "GB/s, TB/s, Gbit/s (or Gb/s), Tbit/s";

    /// <returns>Null when <paramref name="text"/> parses; otherwise why not, in words a user can act on.</returns>
    public static string? TryParse(string text, out Bandwidth value)
    {
        value = default;
        string t = text.Trim();
        int split = 0;
        while (split < t.Length && (char.IsDigit(t[split]) || t[split] is '.' or 'e' or 'E' or '+' or '-')) split++;
        if (!double.TryParse(t[..split], NumberStyles.Float, CultureInfo.InvariantCulture, out double number))
            return $"'{text}' is not a number with a unit such as '450 GB/s' or '400 Gbit/s'";
        string unit = t[split..].Trim();
        if (unit.Length == 0)
            return FormattableString.Invariant($"'{text}' has no unit: as GB/s it is {number:0.###} GB/s ({number * UnitConstants.BitsPerByte:0.###} Gbit/s), as Gbit/s it is {number / UnitConstants.BitsPerByte:0.###} GB/s; write '{number} GB/s' or '{number} Gbit/s'");
        foreach (var (u, scale) in Units)
        {
            if (!string.Equals(u, unit, StringComparison.Ordinal)) continue;
            if (!double.IsFinite(number) || number <= 0) return $"'{text}' must be a positive bandwidth";
            value = new Bandwidth(number * scale);
            return null;
        }
        return $"'{text}': unknown or ambiguous unit '{unit}'; use {Accepted} (a capital B is a byte, a small b a bit)";
    }
}
