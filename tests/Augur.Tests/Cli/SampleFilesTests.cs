using Augur.Catalog.Loading;
using Augur.Workflows;
using Augur.Workflows.Claims;

namespace Augur.Tests.Cli;

/// <summary>Every shipped sample reads, so the README's commands start from valid files.</summary>
public class SampleFilesTests
{
    public static TheoryData<string> Samples() =>
        new(Directory.GetFiles(Scenarios.Repo("samples"), "*.yaml").Select(Path.GetFileName).Order()!);

    [Theory]
    [MemberData(nameof(Samples))]
    public void A_sample_reads(string name)
    {
        string path = Scenarios.Repo(Path.Combine("samples", name));
        if (name.EndsWith("-claim.yaml", StringComparison.Ordinal)) Assert.NotEmpty(ClaimWorkflow.Read(CatalogStore.Default, path).Sources);
        else Assert.NotNull(ScenarioLoader.FromFile(CatalogStore.Default, path).Model);
    }
}
