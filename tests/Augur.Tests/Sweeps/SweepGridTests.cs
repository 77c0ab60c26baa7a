using Augur.Domain;
using Augur.Workflows.Sweeps;

namespace Augur.Tests.Sweeps;

public class SweepGridTests
{
    [Fact]
    public void A_list_a_linear_range_and_geometric_steps_expand_as_written()
    {
        Assert.Equal(["h100-sxm", "b200"], SweepAxis.Parse("hardware=h100-sxm,b200").Values);
        Assert.Equal(["80", "120", "160", "200", "240", "280", "320"], SweepAxis.Parse("hardware.hbm_gb=80:320:40").Values);
        Assert.Equal(["1024", "2048", "4096", "8192", "16384"], SweepAxis.Parse("cluster.gpus=1024:16384*2").Values);
        Assert.Equal(["0.5", "1"], SweepAxis.Parse("x=0.5:1.2:0.5").Values); // stop not reached exactly: 0.5, 1.0
    }

    [Theory]
    [InlineData("cluster.gpus")]
    [InlineData("cluster.gpus=")]
    [InlineData("cluster.gpus=8:4:1")]
    [InlineData("cluster.gpus=8:64*1")]
    [InlineData("cluster.gpus=0:64*2")]
    [InlineData("cluster.gpus=1:64:0")]
    [InlineData("cluster.gpus=8,8")]
    [InlineData("cluster.gpus=8,,16")]
    [InlineData("cluster.gpus=1:1e9:1")]
    public void A_bad_axis_is_refused(string text) => Assert.Throws<InputException>(() => SweepAxis.Parse(text));

    [Fact]
    public void Points_are_numbered_with_the_last_axis_fastest()
    {
        var grid = new SweepGrid([SweepAxis.Parse("a=1,2,3"), SweepAxis.Parse("b=x,y")]);
        Assert.Equal(6, grid.Count);
        Assert.Equal(["1", "x"], grid.Settings(0));
        Assert.Equal(["2", "y"], grid.Settings(3));
        Assert.Equal(["3", "y"], grid.Settings(5));
        Assert.Throws<InputException>(() => new SweepGrid([SweepAxis.Parse("a=1,2"), SweepAxis.Parse("a=3")]));
    }

    [Fact]
    public void A_shard_takes_every_nth_point_and_skips_those_done()
    {
        var grid = new SweepGrid([SweepAxis.Parse("a=0:9:1")]);
        Assert.Equal([1L, 4, 7], SweepWorkflow.Indices(grid, SweepShard.Parse("1/3"), new HashSet<long>()));
        Assert.Equal([1L, 7], SweepWorkflow.Indices(grid, SweepShard.Parse("1/3"), new HashSet<long> { 4 }));
        Assert.Throws<InputException>(() => SweepShard.Parse("3/3"));
        Assert.Throws<InputException>(() => SweepShard.Parse("-1/3"));
    }
}
