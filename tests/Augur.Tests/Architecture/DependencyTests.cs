using System.Reflection;

namespace Augur.Tests.Architecture;

/// <summary>
/// Dependencies point one way: units ← domain ← (catalog | cost models) ← (search | simulation) ← workflows ←
/// (reports | plots | export) ← (CLI | web). The compiler keeps only references a project uses, so this reads what the code really uses.
/// </summary>
public class DependencyTests
{
    static readonly Dictionary<string, string[]> Allowed = new()
    {
        ["Augur.Units"] = [],
        ["Augur.Domain"] = ["Augur.Units"],
        ["Augur.Catalog"] = ["Augur.Domain", "Augur.Units"],
        ["Augur.CostModels"] = ["Augur.Domain", "Augur.Units"],
        ["Augur.Search"] = ["Augur.CostModels", "Augur.Domain", "Augur.Units"],
        ["Augur.Simulation"] = ["Augur.CostModels", "Augur.Domain", "Augur.Units"],
        ["Augur.Workflows"] = ["Augur.Catalog", "Augur.CostModels", "Augur.Search", "Augur.Simulation", "Augur.Domain", "Augur.Units"],
        ["Augur.Reports"] = ["Augur.Workflows", "Augur.Catalog", "Augur.CostModels", "Augur.Search", "Augur.Simulation", "Augur.Domain", "Augur.Units"],
        ["Augur.Plots"] = ["Augur.Workflows", "Augur.Catalog", "Augur.CostModels", "Augur.Search", "Augur.Simulation", "Augur.Domain", "Augur.Units"],
        ["Augur.Export"] = ["Augur.Workflows", "Augur.Catalog", "Augur.CostModels", "Augur.Search", "Augur.Simulation", "Augur.Domain", "Augur.Units"],
        ["Augur.Web"] = ["Augur.Plots", "Augur.Reports", "Augur.Workflows", "Augur.Catalog", "Augur.CostModels", "Augur.Search", "Augur.Simulation", "Augur.Domain", "Augur.Units"],
    };

    public static TheoryData<string> Projects() => new(Allowed.Keys);

    [Theory]
    [MemberData(nameof(Projects))]
    public void A_project_references_only_the_layers_below_it(string project)
    {
        var used = Assembly.Load(project).GetReferencedAssemblies()
            .Select(a => a.Name!).Where(n => n.StartsWith("Augur.", StringComparison.Ordinal) || n == "augur").ToList();
        var forbidden = used.Except(Allowed[project]).ToList();
        Assert.True(forbidden.Count == 0, $"{project} uses {string.Join(", ", forbidden)}");
    }

    [Fact]
    public void Engines_and_workflows_never_reach_for_the_console()
    {
        foreach (var project in new[] { "Augur.CostModels", "Augur.Search", "Augur.Simulation", "Augur.Workflows", "Augur.Export" })
        {
            var refs = Assembly.Load(project).GetReferencedAssemblies().Select(a => a.Name).ToList();
            Assert.DoesNotContain("Spectre.Console", refs);
            Assert.DoesNotContain("System.CommandLine", refs);
            Assert.Empty(Calls(project, typeof(Console)));
        }
    }

    [Fact]
    public void Workflows_use_the_catalog_they_are_given_not_the_shipped_one()
    {
        var shipped = typeof(Augur.Catalog.Loading.CatalogStore).GetProperty(nameof(Augur.Catalog.Loading.CatalogStore.Default))!.GetMethod!;
        Assert.DoesNotContain(shipped, Calls("Augur.Workflows", shipped.DeclaringType!));
        Assert.DoesNotContain(shipped, Calls("Augur.Export", shipped.DeclaringType!));
    }

    /// <summary>Methods of <paramref name="owner"/> that code in <paramref name="project"/> calls (read from its IL).</summary>
    static List<MethodBase> Calls(string project, Type owner)
    {
        var found = new List<MethodBase>();
        var asm = Assembly.Load(project);
        const BindingFlags All = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        foreach (var type in asm.GetTypes())
        foreach (var method in type.GetMethods(All).Cast<MethodBase>().Concat(type.GetConstructors(All)))
        {
            var il = method.GetMethodBody()?.GetILAsByteArray();
            if (il is null) continue;
            for (int i = 0; i + 4 < il.Length; i++)
            {
                // call, callvirt and newobj take a 4-byte method token.
                if (il[i] is not (0x28 or 0x6F or 0x73)) continue;
                try
                {
                    var m = method.Module.ResolveMethod(BitConverter.ToInt32(il, i + 1),
                        type.IsGenericType ? type.GetGenericArguments() : null, method.IsGenericMethod ? method.GetGenericArguments() : null);
                    if (m?.DeclaringType == owner) found.Add(m);
                }
                catch (ArgumentException) { }
                catch (BadImageFormatException) { }
            }
        }
        return found;
    }
}
