using System.Reflection;

namespace Augur.Tests.Architecture;

/// <summary>
/// Results carry their quantities typed: a time is Seconds, a size Bytes, a FLOP count Flops, so a
/// seconds-for-FLOPs swap does not compile. A bare double named like one of them is the convention broken.
/// </summary>
public class TypedResultTests
{
    static readonly string[] ResultSuffixes = ["Estimate", "Breakdown", "Split", "Cost", "Pool", "Pools", "Phases", "Result"];
    static readonly string[] QuantitySuffixes = ["Seconds", "Bytes", "Flops"];

    /// <summary>Public records (class or struct) of the cost models whose names say they are results.</summary>
    static IEnumerable<Type> ResultRecords() => Assembly.Load("Augur.CostModels").GetExportedTypes()
        .Where(t => t.GetMethod("PrintMembers", BindingFlags.Instance | BindingFlags.NonPublic) is not null)
        .Where(t => ResultSuffixes.Any(s => t.Name.EndsWith(s, StringComparison.Ordinal)));

    [Fact]
    public void The_check_sees_the_result_records()
    {
        var names = ResultRecords().Select(t => t.Name).ToList();
        Assert.Contains("TrainingEstimate", names);
        Assert.Contains("StepBreakdown", names);
        Assert.Contains("ComputeSplit", names);
        Assert.Contains("CrossSiteEstimate", names);
        Assert.Contains("RlEstimate", names);
        Assert.Contains("RlPool", names);
        Assert.Contains("IterationCost", names);
        Assert.Contains("InferenceEstimate", names);
        Assert.Contains("RlPhases", names);
        Assert.Contains("KernelResult", names);
    }

    [Fact]
    public void No_result_record_has_a_bare_double_named_as_seconds_bytes_or_flops()
    {
        var bare = ResultRecords()
            .SelectMany(t => t.GetProperties(BindingFlags.Instance | BindingFlags.Public).Select(p => (Type: t, Property: p)))
            .Where(x => x.Property.PropertyType == typeof(double) || x.Property.PropertyType == typeof(double?))
            .Where(x => QuantitySuffixes.Any(s => x.Property.Name.EndsWith(s, StringComparison.Ordinal)))
            .Select(x => $"{x.Type.Name}.{x.Property.Name}")
            .ToList();
        Assert.True(bare.Count == 0, $"type these as Seconds, Bytes or Flops: {string.Join(", ", bare)}");
    }
}
