namespace Augur.Catalog.Files;

/// <summary>Nearest-name suggestions for misspelt keys and catalog names (Levenshtein distance).</summary>
public static class Suggest
{
    public static string? Nearest(string input, IEnumerable<string> candidates)
    {
        string? best = null;
        int bestDistance = int.MaxValue;
        bool bestContains = false;
        string lower = input.ToLowerInvariant();
        foreach (var c in candidates)
        {
            int d = Distance(lower, c.ToLowerInvariant());
            bool contains = c.Contains(lower, StringComparison.OrdinalIgnoreCase) || lower.Contains(c, StringComparison.OrdinalIgnoreCase);
            if (contains) d = Math.Min(d, 2);
            if (d < bestDistance) { bestDistance = d; best = c; bestContains = contains; }
        }
        // A name that shares nothing with the input (every character replaced, as 'a0' -> 'rl') is no suggestion.
        bool near = bestContains || (bestDistance <= Math.Max(3, input.Length / 2) && bestDistance < input.Length);
        return best is not null && near ? best : null;
    }

    public static int Distance(string a, string b)
    {
        var prev = new int[b.Length + 1];
        var cur = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) prev[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            cur[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                cur[j] = Math.Min(Math.Min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            (prev, cur) = (cur, prev);
        }
        return prev[b.Length];
    }
}
