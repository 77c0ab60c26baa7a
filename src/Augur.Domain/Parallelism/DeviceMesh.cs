namespace Augur.Domain.Parallelism;

/// <summary>Where one GPU sits in each parallel group of a layout.</summary>
/// <param name="Rank">Global rank, which is also the GPU's position in the cluster (islands are runs of consecutive ranks).</param>
/// <param name="Etp">Index inside its expert's tensor-parallel group; with <paramref name="Ep"/> and <paramref name="ExpertDp"/>
/// the MoE layers' split of the stage's TP×CP×DP ranks.</param>
public readonly record struct MeshCoordinates(long Rank, int Tp, int Cp, int Dp, int Pp, int Etp, int Ep, int ExpertDp);

/// <summary>One kind of parallel group: how many GPUs, how far apart, and how many scale-up islands one group spans.</summary>
/// <param name="Stride">Rank distance between neighbouring members.</param>
/// <param name="Islands">Scale-up islands the group holding rank 0 touches.</param>
public readonly record struct MeshGroup(string Kind, int Size, long Stride, long Islands);

/// <summary>
/// The ranks of a layout laid over a cluster of scale-up islands, in Megatron-LM's order (ParallelLayout): TP
/// innermost, then CP, then DP, then PP outermost; an MoE layer splits a stage's TP×CP×DP ranks into ETP innermost,
/// then EP, then expert-DP. Rank r sits on island ⌊r / island size⌋.
/// </summary>
public sealed class DeviceMesh(ParallelLayout layout, int islandSize)
{
    public ParallelLayout Layout { get; } = layout;

    public int IslandSize { get; } = islandSize > 0 ? islandSize : throw new ArgumentOutOfRangeException(nameof(islandSize));

    public long Gpus => (long)Layout.Tp * Layout.Cp * Layout.Dp * Layout.Pp;

    public MeshCoordinates At(long rank)
    {
        var l = Layout;
        long stageRanks = (long)l.Tp * l.Cp * l.Dp;
        long inStage = rank % stageRanks;
        return new MeshCoordinates(rank,
            (int)(inStage % l.Tp), (int)(inStage / l.Tp % l.Cp), (int)(inStage / ((long)l.Tp * l.Cp)), (int)(rank / stageRanks),
            (int)(inStage % l.Etp), (int)(inStage / l.Etp % l.Ep), (int)(inStage / ((long)l.Etp * l.Ep)));
    }

    /// <summary>The ranks of one data-parallel replica (DP index <paramref name="replica"/>), ascending.</summary>
    public IEnumerable<long> Replica(int replica)
    {
        var l = Layout;
        long block = (long)l.Tp * l.Cp;
        for (int pp = 0; pp < l.Pp; pp++)
            for (long i = 0; i < block; i++) yield return (pp * (long)l.Dp + replica) * block + i;
    }

    /// <summary>Each kind of group with more than one member: TP, CP, DP, PP, then EP and ETP where the model has experts.</summary>
    public IReadOnlyList<MeshGroup> Groups()
    {
        var l = Layout;
        long tpCp = (long)l.Tp * l.Cp;
        var groups = new List<MeshGroup>();
        Add("TP", l.Tp, 1);
        Add("CP", l.Cp, l.Tp);
        Add("DP", l.Dp, tpCp);
        Add("PP", l.Pp, tpCp * l.Dp);
        Add("EP", l.Ep, l.Etp);
        Add("ETP", l.Etp, 1);
        return groups;

        void Add(string kind, int size, long stride)
        {
            if (size <= 1) return;
            long islands = 0, last = -1;
            for (long k = 0; k < size; k++)
            {
                long island = k * stride / IslandSize;
                if (island != last) { islands++; last = island; }
            }
            groups.Add(new MeshGroup(kind, size, stride, islands));
        }
    }
}
