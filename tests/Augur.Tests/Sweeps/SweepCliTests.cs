using Augur.Catalog.Loading;
using Augur.Tests.Cli;
using Augur.Workflows;

namespace Augur.Tests.Sweeps;

public class SweepCliTests
{
    static readonly string Sample = Scenarios.Repo("samples/llama3-405b-pretrain.yaml");
    static readonly string[] Grid = ["--vary", "hardware.hbm_gb=80,120,160", "--vary", "training.global_batch=1024,2048"];

    static string Dir() => Directory.CreateTempSubdirectory().FullName;

    [Fact]
    public void Each_point_is_the_estimate_of_its_scenario()
    {
        string dir = Dir(), csv = Path.Combine(dir, "r.csv");
        var (code, _, err) = CliTests.Run(["sweep", Sample, .. Grid, "--out", csv]);
        Assert.True(code == 0, err);
        var rows = File.ReadAllLines(csv);
        Assert.Equal(7, rows.Length); // header + 3 x 2 points
        // Point 3 is hbm_gb=120, global_batch=2048: the same scenario estimated on its own.
        var s = ScenarioLoader.FromFile(CatalogStore.Default, Sample,
            [new ScenarioOverride("hardware.hbm_gb", "120"), new ScenarioOverride("training.global_batch", "2048")]);
        var direct = (TrainingEstimateOutcome)EstimateWorkflow.Run(s, CatalogStore.Default);
        var fields = rows[4].Split(',');
        Assert.Equal(["3", "120", "2048", "ok"], fields[..4]);
        Assert.Equal(direct.Estimate.StepTime.Value, double.Parse(fields[6], System.Globalization.CultureInfo.InvariantCulture), 1e-5 * direct.Estimate.StepTime.Value);
    }

    [Fact]
    public void An_interrupted_sweep_resumes_to_the_same_file()
    {
        string dir = Dir(), full = Path.Combine(dir, "full.csv"), cut = Path.Combine(dir, "cut.csv");
        Assert.Equal(0, CliTests.Run(["sweep", Sample, .. Grid, "--out", full]).Code);
        var lines = File.ReadAllLines(full);
        // Keep the header and two points, then a line cut off mid-write.
        File.WriteAllText(cut, string.Join("\n", lines[..3]) + "\n" + lines[5][..20]);
        var (code, output, _) = CliTests.Run(["sweep", Sample, .. Grid, "--out", cut]);
        Assert.Equal(0, code);
        Assert.Contains("2 points were already in", output);
        Assert.Equal(File.ReadAllText(full), File.ReadAllText(cut));
    }

    [Fact]
    public void Shards_merge_into_what_one_run_writes()
    {
        string dir = Dir(), whole = Path.Combine(dir, "whole.jsonl"), merged = Path.Combine(dir, "merged.jsonl");
        Assert.Equal(0, CliTests.Run(["sweep", Sample, .. Grid, "--out", whole]).Code);
        var shards = Enumerable.Range(0, 4).Select(i => Path.Combine(dir, $"s{i}.jsonl")).ToList();
        for (int i = 0; i < 4; i++) Assert.Equal(0, CliTests.Run(["sweep", Sample, .. Grid, "--out", shards[i], "--shard", $"{i}/4"]).Code);
        Assert.Equal(0, CliTests.Run(["sweep", "merge", merged, .. shards]).Code);
        Assert.Equal(File.ReadAllText(whole), File.ReadAllText(merged));
    }

    [Fact]
    public void A_point_the_reader_refuses_is_a_row_not_a_failed_sweep()
    {
        string csv = Path.Combine(Dir(), "r.csv");
        // 1000 GPUs cannot hold tp8 x pp16 x cp2 (256 GPUs per data-parallel replica).
        var (code, _, _) = CliTests.Run(["sweep", Sample, "--vary", "cluster.gpus=1000,16384", "--out", csv]);
        Assert.Equal(0, code);
        var rows = File.ReadAllLines(csv);
        Assert.StartsWith("0,1000,refused,", rows[1]);
        Assert.StartsWith("1,16384,ok,", rows[2]);
    }

    [Fact]
    public void A_sweep_whose_every_point_is_refused_is_a_bad_input()
    {
        // Neither 1000 nor 1001 GPUs hold whole tp8 x pp16 x cp2 replicas (256 GPUs each).
        var (code, output, err) = CliTests.Run(["sweep", Sample, "--vary", "cluster.gpus=1000,1001"]);
        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Contains("every point of the sweep was refused; the first (cluster.gpus=1000)", err);
        Assert.Single(err.Trim().Split('\n'));
    }

    [Theory]
    [InlineData("--vary", "cluster.gpus")]
    [InlineData("--shard", "2/2")]
    [InlineData("--out", "r.txt")]
    public void Bad_sweep_input_is_one_line_and_exit_2(string option, string value)
    {
        string[] args = option == "--vary" ? ["sweep", Sample, option, value] : ["sweep", Sample, "--vary", "cluster.gpus=8192", option, value];
        var (code, output, err) = CliTests.Run(args);
        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Single(err.Trim().Split('\n'));
    }
}
