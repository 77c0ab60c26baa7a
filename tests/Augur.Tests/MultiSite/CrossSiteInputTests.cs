using Augur.Tests.Cli;
using Augur.Tests.Hardening;

namespace Augur.Tests.MultiSite;

/// <summary>Multi-site input a scenario can get wrong: one line naming the key and the fix, exit code 2.</summary>
public class CrossSiteInputTests
{
    const string Head = "workload: training\nmodel: llama3.1-8b\nhardware: h100-sxm\nprecision: bf16\n";
    const string Training = "training: {seq_len: 4096, global_batch: 64}\n";

    static string Scenario(string cluster, string training = Training) =>
        CliTests.Temp(Head + "cluster: " + cluster + "\n" + training);

    [Theory]
    [InlineData("{gpus: 64, sites: 0}", "cluster.sites: must be at least 1, got 0")]
    [InlineData("{gpus: 64, sites: 3, wan_bandwidth: 1 Tbit/s, wan_latency_ms: 10}", "3 sites do not split the 64 GPUs evenly")]
    [InlineData("{gpus: 64, sites: 2, wan_latency_ms: 10}", "cluster.wan_bandwidth: 2 sites need the WAN bandwidth of each site")]
    [InlineData("{gpus: 64, sites: 2, wan_bandwidth: 1 Tbit/s}", "cluster.wan_latency_ms: 2 sites need the one-way latency")]
    [InlineData("{gpus: 64, sites: 2, wan_bandwidth: 400, wan_latency_ms: 10}", "cluster.wan_bandwidth: '400' has no unit")]
    [InlineData("{gpus: 64, wan_bandwidth: 1 Tbit/s}", "cluster.wan_bandwidth: a WAN joins sites; set cluster.sites above 1")]
    [InlineData("{gpus: 16, sites: 4, wan_bandwidth: 1 Tbit/s, wan_latency_ms: 10}", "each site's 4 GPUs would not fill one scale-up domain of 8")]
    public void Bad_clusters_are_refused(string cluster, string expected) =>
        Assert.Contains(expected, BadInputTests.Refused("estimate", Scenario(cluster)));

    const string TwoSites = "{gpus: 64, sites: 2, wan_bandwidth: 1 Tbit/s, wan_latency_ms: 10}";

    [Theory]
    [InlineData("training: {seq_len: 4096, global_batch: 64, cross_site: diloco, diloco: {inner_steps: 0}}\n", "diloco.inner_steps: must be at least 1, got 0")]
    [InlineData("training: {seq_len: 4096, global_batch: 64, cross_site: diloco}\n", "cross_site: diloco needs a diloco section with inner_steps")]
    [InlineData("training: {seq_len: 4096, global_batch: 64, cross_site: diloco, diloco: {inner_steps: 10, outer_bits: 3}}\n", "outer_bits: 3 is not an exchange precision")]
    [InlineData("training: {seq_len: 4096, global_batch: 64, cross_site: diloco, diloco: {inner_steps: 10, fragments: 11}}\n", "fragments: must be between 1 and inner_steps (10)")]
    [InlineData("training: {seq_len: 4096, global_batch: 64, cross_site: diloco, diloco: {inner_steps: 100, fragments: 40}}\n", "40 fragments exceed the 32 layers")]
    [InlineData("training: {seq_len: 4096, global_batch: 64, cross_site: gossip}\n", "cross_site: unknown method 'gossip'")]
    [InlineData("training: {seq_len: 4096, global_batch: 64, diloco: {inner_steps: 10}}\n", "set training.cross_site: diloco (or auto) to use it")]
    public void Bad_cross_site_training_is_refused(string training, string expected) =>
        Assert.Contains(expected, BadInputTests.Refused("estimate", Scenario(TwoSites, training)));

    [Fact]
    public void Serving_across_sites_is_refused() =>
        Assert.Contains("serving across sites is not modelled",
            BadInputTests.Refused("estimate", CliTests.Temp("workload: inference\nmodel: llama3.1-8b\nhardware: h100-sxm\ncluster: " + TwoSites + "\ninference: {input_tokens: 1000, output_tokens: 100}\n")));

    [Fact]
    public void Estimate_of_an_auto_scenario_is_refused() =>
        Assert.Contains("cross_site: auto lets plan choose the method; estimate costs one",
            BadInputTests.Refused("estimate", Scenario(TwoSites, "training: {seq_len: 4096, global_batch: 64, cross_site: auto, diloco: {inner_steps: [10, 100]}}\n")));

    [Fact]
    public void A_list_of_H_outside_auto_is_refused() =>
        Assert.Contains("a list of H is for cross_site: auto",
            BadInputTests.Refused("estimate", Scenario(TwoSites, "training: {seq_len: 4096, global_batch: 64, cross_site: diloco, diloco: {inner_steps: [10, 100]}}\n")));

    [Fact]
    public void The_useful_share_is_utilisation_times_goodput()
    {
        var (code, output, _) = CliTests.Run("estimate", Scenarios.Repo("samples/multisite-100k.yaml"), "--json");
        Assert.Equal(0, code);
        var o = System.Text.Json.JsonDocument.Parse(output).RootElement;
        var x = o.GetProperty("cross_site");
        Assert.Equal(x.GetProperty("compute_utilization").GetDouble() * o.GetProperty("goodput").GetDouble(), x.GetProperty("useful_share").GetDouble(), 4);
    }

    [Fact]
    public void DiLoCo_on_one_site_is_refused() =>
        Assert.Contains("DiLoCo synchronises sites; set cluster.sites above 1",
            BadInputTests.Refused("estimate", Scenario("{gpus: 64}", "training: {seq_len: 4096, global_batch: 64, cross_site: diloco, diloco: {inner_steps: 10}}\n")));

    [Fact]
    public void A_layout_whose_replicas_do_not_split_over_the_sites_is_refused() =>
        Assert.Contains("dp=1 does not split over the 2 sites",
            BadInputTests.Refused("estimate", CliTests.Temp(Head + "cluster: " + TwoSites + "\nparallelism: {tp: 8, pp: 8}\n" + Training)));
}
