using Augur.Domain.Parallelism;

namespace Augur.Tests.Training;

public class DeviceMeshTests
{
    // The 405B sample's layout on 8-GPU servers: rank = tp + 8·(cp + 2·(dp + 64·pp)).
    static readonly DeviceMesh Llama = new(new ParallelLayout(Tp: 8, Pp: 16, Vp: 4, Dp: 64, Cp: 2, Ep: 1, Etp: 1, Sp: true, Zero: 1, MicroBatch: 1, Recompute: Recompute.None), 8);

    [Theory]
    [InlineData(0, 0, 0, 0, 0)]
    [InlineData(8, 0, 1, 0, 0)]
    [InlineData(16, 0, 0, 1, 0)]
    [InlineData(1024, 0, 0, 0, 1)]
    [InlineData(1051, 3, 1, 1, 1)] // 1024 + 16 + 8 + 3
    [InlineData(16383, 7, 1, 63, 15)]
    public void Ranks_run_tp_then_cp_then_dp_then_pp(long rank, int tp, int cp, int dp, int pp)
    {
        var c = Llama.At(rank);
        Assert.Equal((tp, cp, dp, pp), (c.Tp, c.Cp, c.Dp, c.Pp));
    }

    [Fact]
    public void Each_kind_of_group_has_its_size_stride_and_islands()
    {
        Assert.Equal(16384, Llama.Gpus);
        Assert.Equal(
        [
            new MeshGroup("TP", 8, 1, 1),
            new MeshGroup("CP", 2, 8, 2),
            new MeshGroup("DP", 64, 16, 64),     // every other island: 16 apart on 8-GPU islands
            new MeshGroup("PP", 16, 1024, 16),
        ], Llama.Groups());
    }

    [Fact]
    public void One_replica_is_every_stage_of_its_tp_and_cp_ranks()
    {
        var replica = Llama.Replica(0).ToList();
        Assert.Equal(8 * 2 * 16, replica.Count);
        Assert.Equal(Enumerable.Range(0, 16).Select(i => (long)i), replica.Take(16));
        Assert.Equal(1024, replica[16]);
        Assert.All(replica, r => Assert.Equal(0, Llama.At(r).Dp));
        Assert.Equal(1024 + 16, Llama.Replica(1).Skip(16).First());
    }

    [Fact]
    public void Expert_groups_re_split_a_stages_ranks_etp_first_then_ep()
    {
        // 16 GPUs a stage (tp 2, dp 8) as etp 1 × ep 8 × expert-dp 2, on 8-GPU islands.
        var mesh = new DeviceMesh(new ParallelLayout(Tp: 2, Pp: 2, Vp: 1, Dp: 8, Cp: 1, Ep: 8, Etp: 1, Sp: false, Zero: 1, MicroBatch: 1, Recompute: Recompute.None), 8);
        var c = mesh.At(13);
        Assert.Equal((1, 0, 6, 0), (c.Tp, c.Cp, c.Dp, c.Pp));
        Assert.Equal((0, 5, 1), (c.Etp, c.Ep, c.ExpertDp));
        Assert.Contains(new MeshGroup("EP", 8, 1, 1), mesh.Groups());
        Assert.Contains(new MeshGroup("PP", 2, 16, 2), mesh.Groups());
    }
}
