namespace Augur.Tests.Cli;

public class CsvTests
{
    static readonly string Plan = Scenarios.Repo("samples/llama3-405b-plan.yaml");

    [Fact]
    public void Csv_holds_the_printed_tables_one_file_each()
    {
        string dir = Directory.CreateTempSubdirectory().FullName, csv = Path.Combine(dir, "plan.csv");
        var (code, output, err) = CliTests.Run("plan", Plan, "--top", "3", "--csv", csv);
        Assert.True(code == 0, err);
        var ranked = File.ReadAllLines(csv);
        // The ranking table: its header and the three layouts --top asked for, as printed.
        Assert.Equal("#,layout,step,tok/s/GPU,MFU,GiB/GPU,bottleneck", ranked[0]);
        Assert.Equal(4, ranked.Length);
        Assert.Contains(ranked[1].Split(',')[1], output);
        // The winner's estimate follows in the next file.
        Assert.StartsWith("metric,value", File.ReadAllLines(Path.Combine(dir, "plan-2.csv"))[0]);
    }

    [Theory]
    [InlineData("r.txt", false)]
    [InlineData("r.csv", true)]
    public void Csv_needs_a_csv_file_and_a_table_to_save(string name, bool withJson)
    {
        string path = Path.Combine(Directory.CreateTempSubdirectory().FullName, name);
        string[] args = withJson ? ["plan", Plan, "--json", "--csv", path] : ["plan", Plan, "--csv", path];
        var (code, output, err) = CliTests.Run(args);
        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Single(err.Trim().Split('\n'));
        Assert.False(File.Exists(path));
    }
}
