using Augur.Catalog.Loading;

namespace Augur.Tests.Catalog;

/// <summary>Every catalog number has a readable source: one a reader can look up, never a path on someone's machine.</summary>
public class CatalogSourceTests
{
    static readonly CatalogStore C = CatalogStore.Default;

    /// <summary>Every source in the shipped catalog, named by where it sits.</summary>
    static IEnumerable<(string Where, string Source)> AllSources() =>
        C.Accelerators.SelectMany(a => a.Sources.Select(s => ($"accelerator {a.Id}", s)))
            .Concat(C.Systems.SelectMany(x => x.Sources.Select(s => ($"system {x.Id}", s))))
            .Concat(C.Models.SelectMany(m => m.Sources.Select(s => ($"model {m.Id}", s))))
            .Concat(C.Calibrations.SelectMany(c => c.Sources.Select(s => ($"calibration {c.Family}", s))))
            .Concat(ValidationReader.Read(C).Select(v => ($"validation case {v.Id}", v.Source)))
            .Concat(C.Measurements.Select(m => ($"measurement set {m.Id}", m.Source)));

    /// <summary>Why a source is not readable, or null when it is.</summary>
    public static string? Problem(string source) =>
        string.IsNullOrWhiteSpace(source) ? "is empty"
        : source.TrimStart().StartsWith('/') ? "starts with a local path"
        : source.Contains("/work/", StringComparison.Ordinal) || source.Contains("/home/", StringComparison.Ordinal) ? "names a local path"
        : source.Contains("find_string", StringComparison.OrdinalIgnoreCase) ? "cites a search-tool id, not a publication"
        : null;

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("/work/shared/data/calibration.json megatron entries")]
    [InlineData("see /home/me/notes.md")]
    [InlineData("public copy (find_string id 123): hidden 8192")]
    public void The_check_refuses_what_a_reader_cannot_look_up(string source) => Assert.NotNull(Problem(source));

    [Theory]
    [InlineData("Llama 3 paper (arXiv:2407.21783) Table 3")]
    [InlineData("NVIDIA/nccl src/graph/tuning.cc @ b6475625")]
    [InlineData("https://cloud.google.com/tpu/pricing")]
    public void The_check_accepts_papers_repositories_and_urls(string source) => Assert.Null(Problem(source));

    [Fact]
    public void No_catalog_source_is_empty_or_names_a_local_path()
    {
        var bad = AllSources().Where(x => Problem(x.Source) is not null)
            .Select(x => $"{x.Where}: source {Problem(x.Source)}: {x.Source}").ToList();
        Assert.True(bad.Count == 0, string.Join("\n", bad));
    }

    [Fact]
    public void No_shipped_catalog_file_names_a_development_machine_path()
    {
        // Notes and comments too: the files ship inside the tool.
        var assembly = typeof(CatalogStore).Assembly;
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith("catalog/", StringComparison.Ordinal)))
        {
            using var reader = new StreamReader(assembly.GetManifestResourceStream(name)!);
            string text = reader.ReadToEnd();
            Assert.False(text.Contains("/work/", StringComparison.Ordinal), $"{name} names a path under /work/");
            Assert.False(text.Contains("find_string", StringComparison.OrdinalIgnoreCase), $"{name} cites a search-tool id");
            foreach (var unshipped in new[] { "hardware.json", "calibration.json" })
                Assert.False(text.Contains(unshipped, StringComparison.Ordinal), $"{name} cites {unshipped}, a development file that does not ship");
        }
    }
}
