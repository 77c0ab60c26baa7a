using System.Text.RegularExpressions;
using Augur.Plots;

namespace Augur.Tests.Plots;

public class ScheduleAndMeshChartTests
{
    [Fact]
    public void A_training_estimate_writes_its_parts_its_pipeline_schedule_and_its_device_mesh()
    {
        string path = ChartFiles.Plotted(".svg", "estimate", Scenarios.Repo("samples/llama3-405b-pretrain.yaml"));
        Assert.Contains(ChartFiles.SvgTexts(path), t => t.StartsWith("Step time by part", StringComparison.Ordinal));

        // pp 16, vp 4, 2048 / 64 = 32 micro-batches: 4,096 passes, all drawn; bubble (p − 1)/(v·m + p − 1) = 15/143.
        var schedule = ChartFiles.SvgTexts(Chart.Beside(path, "schedule"));
        Assert.Contains(schedule, t => t.StartsWith("Pipeline schedule (interleaved vp4), 16 stages x 32 micro-batches: bubble ", StringComparison.Ordinal)
                                       && t.EndsWith(" s (10.5%)", StringComparison.Ordinal));
        Assert.Contains("time in the step (s)", schedule);
        Assert.Single(schedule, "forward pass");
        Assert.Single(schedule, "backward pass");
        for (int stage = 0; stage < 16; stage++) Assert.Single(schedule, $"stage {stage}");

        // 16,384 GPUs: the 32 islands holding one data-parallel replica of tp 8 × cp 2 × pp 16 = 256 GPUs, 8 to a row.
        var mesh = ChartFiles.SvgTexts(Chart.Beside(path, "mesh"));
        Assert.Contains("Device mesh, tp8 cp2 pp16 dp64 on 16,384 x h100-sxm: 32 islands with DP replica 0 (256 GPUs)", mesh);
        // 16 cells of each stage: its 8 TP ranks of both CP ranks.
        for (int stage = 0; stage < 16; stage++) Assert.Equal(16, mesh.Count(t => Regex.IsMatch(t, $@"^s{stage} t[0-7] c[01] d0$")));
        Assert.Single(mesh, "TP groups: 8 GPUs in a row, inside one island");
        Assert.Single(mesh, "CP groups: 2 GPUs 8 apart, over 2 islands");
        Assert.Single(mesh, "DP groups: 64 GPUs 16 apart, over 64 islands");
        Assert.Single(mesh, "PP groups: 16 GPUs 1,024 apart, over 16 islands");
        Assert.Single(mesh, "island 128: GPUs 1024-1031");
        // The catalog gives no rack size for a DGX H100 (racks vary by deployment): the legend says so, nothing is outlined.
        Assert.Single(mesh, "racks: not drawn, the catalog gives no rack size for NVIDIA DGX H100 (rows are its 8-GPU scale-up islands)");
    }

    const string Small = "workload: training\nmodel: llama3.1-8b\ntraining: {seq_len: 8192, global_batch: 144}\n";

    [Fact]
    public void An_nvl72_mesh_outlines_each_rack_of_72_gpus()
    {
        // 144 GB200s as tp4 pp2 dp18: two NVL72 racks (catalog rack_gpus 72, its NVLink domain), each 9 rows of 8 GPUs.
        string file = Augur.Tests.Cli.CliTests.Temp(Small + "hardware: gb200-nvl72\ncluster: {gpus: 144}\nparallelism: {tp: 4, pp: 2, dp: 18}\n");
        var mesh = ChartFiles.SvgTexts(Chart.Beside(ChartFiles.Plotted(".svg", "estimate", file), "mesh"));
        Assert.Single(mesh, "racks (outlined): 72 GPUs each, one scale-up island");
        Assert.Single(mesh, "rack 0 = island 0: GPUs 0-7");
        Assert.Single(mesh, "rack 1 = island 1: GPUs 136-143");
        Assert.Equal(18, mesh.Count(t => t.StartsWith("rack ", StringComparison.Ordinal) && t.Contains(" = island ", StringComparison.Ordinal)));
    }

    [Fact]
    public void Racks_of_several_islands_break_rows_at_each_rack()
    {
        // A system with 16-GPU racks of two 8-GPU servers (as Llama 3's cluster racks them, arXiv:2407.21783 Sec 3.3.1):
        // 32 GPUs as tp8 dp4 fill racks 0 and 1, two islands each.
        var s = Scenarios.FromYaml(Small + "hardware: h100-sxm\ncluster: {gpus: 32}\nparallelism: {tp: 8, pp: 1, dp: 4}\n");
        s = s with { Cluster = s.Cluster with { RackGpus = 16 } };
        var mesh = ChartFiles.SvgTexts(MeshChart.Of(Augur.Workflows.EstimateWorkflow.Training(s, Augur.Catalog.Loading.CatalogStore.Default)));
        Assert.Single(mesh, "racks (outlined): 16 GPUs each, 2 scale-up islands");
        Assert.Single(mesh, "rack 0, island 1: GPUs 8-15");
        Assert.Single(mesh, "rack 1, island 2: GPUs 16-23");
        Assert.Single(mesh, "rack 1, island 3: GPUs 24-31");
    }

    [Fact]
    public void An_expert_parallel_layout_shows_whole_islands_with_each_gpus_expert_rank()
    {
        // DeepSeek-V3 sample: tp 2, pp 8, dp 64, ep 64 on 1,024 GPUs. DP replica 0 holds ranks 0-1 of each stage
        // (128 apart), so the 8 islands 0, 16, …, 112 are drawn whole: island 0 is tp 0-1 of dp 0-3, expert ranks 0-7.
        string path = ChartFiles.Plotted(".svg", "estimate", Scenarios.Repo("samples/deepseek-v3-pretrain.yaml"));
        var mesh = ChartFiles.SvgTexts(Chart.Beside(path, "mesh"));
        Assert.Contains("Device mesh, tp2 pp8 dp64 ep64 on 1,024 x h100-sxm: 8 islands with DP replica 0 (64 GPUs)", mesh);
        Assert.Equal(64, mesh.Count(t => Regex.IsMatch(t, @"^s[0-7] t[01] d[0-3] e[0-7]$")));
        Assert.Single(mesh, "s0 t1 d3 e7");   // rank 7
        Assert.Single(mesh, "s7 t0 d0 e0");   // rank 896
        Assert.Single(mesh, "island 16: GPUs 128-135");
        Assert.Single(mesh, "EP groups: 64 GPUs in a row, over 8 islands");
        Assert.Single(mesh, "DP groups: 64 GPUs 2 apart, over 16 islands");
    }

    [Fact]
    public void A_small_cluster_draws_every_gpu_and_labels_each_pass_with_its_micro_batch()
    {
        // 8 GPUs as tp 2 pp 4, 8 micro-batches of 1F1B: 64 passes, each labelled 0–7.
        string path = ChartFiles.Plotted(".svg", "estimate", Scenarios.Repo("samples/llama3-405b-pretrain.yaml"), "--set", "model=llama3.1-8b", "--set", "cluster.gpus=8",
            "--set", "parallelism.tp=2", "--set", "parallelism.pp=4", "--set", "parallelism.vp=1", "--set", "parallelism.cp=1", "--set", "parallelism.dp=1", "--set", "training.global_batch=8");
        var schedule = ChartFiles.SvgTexts(Chart.Beside(path, "schedule"));
        Assert.Contains(schedule, t => t.StartsWith("Pipeline schedule (1F1B), 4 stages x 8 micro-batches: bubble ", StringComparison.Ordinal)
                                       && t.EndsWith(" s (27.3%)", StringComparison.Ordinal)); // 3/11
        // Each micro-batch passes 4 stages forward and back (a time tick may print the same number).
        for (int mb = 0; mb < 8; mb++) Assert.True(schedule.Count(t => t == mb.ToString(System.Globalization.CultureInfo.InvariantCulture)) >= 8);
        var mesh = ChartFiles.SvgTexts(Chart.Beside(path, "mesh"));
        Assert.Contains("Device mesh, tp2 pp4 on 8 x h100-sxm: every GPU", mesh);
        for (int stage = 0; stage < 4; stage++) Assert.Equal(2, mesh.Count(t => Regex.IsMatch(t, $@"^s{stage} t[01] d0$")));
        Assert.Single(mesh, "PP groups: 4 GPUs 2 apart, inside one island");
    }

    [Fact]
    public void Png_pictures_are_written_beside_each_other_in_png()
    {
        string path = ChartFiles.Plotted(".png", "estimate", Scenarios.Repo("samples/llama3-405b-pretrain.yaml"));
        foreach (var p in new[] { path, Chart.Beside(path, "schedule"), Chart.Beside(path, "mesh") })
            Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, File.ReadAllBytes(p).Take(4).ToArray());
        Assert.EndsWith("chart-schedule.png", Chart.Beside(path, "schedule"), StringComparison.Ordinal);
    }
}
