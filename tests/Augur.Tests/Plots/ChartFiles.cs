using System.Xml.Linq;
using Augur.Plots;

namespace Augur.Tests.Plots;

/// <summary>Writes a chart and reads back what a test may check: the file's format and the SVG's words.</summary>
static class ChartFiles
{
    static readonly byte[] PngMagic = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    public static string TempPath(string extension) =>
        Path.Combine(Directory.CreateTempSubdirectory().FullName, "chart" + extension);

    /// <summary>Every text element of an SVG file, which must parse as XML.</summary>
    public static List<string> SvgTexts(string path)
    {
        var doc = XDocument.Load(path);
        Assert.Equal("svg", doc.Root!.Name.LocalName);
        return doc.Descendants().Where(e => e.Name.LocalName == "text").Select(e => e.Value.Trim()).ToList();
    }

    public static List<string> SvgTexts(Chart chart)
    {
        string path = TempPath(".svg");
        chart.Save(path);
        return SvgTexts(path);
    }

    /// <summary>Runs an augur command with --plot to an SVG file and returns the file's texts.</summary>
    public static List<string> SvgTextsOf(params string[] args) => SvgTexts(Plotted(".svg", args));

    /// <summary>Runs an augur command with --plot FILE.extension and returns that path (further pictures lie beside it).</summary>
    public static string Plotted(string extension, params string[] args)
    {
        string path = TempPath(extension);
        var (code, _, err) = Augur.Tests.Cli.CliTests.Run([.. args, "--plot", path]);
        Assert.True(code == 0, err);
        return path;
    }

    public static void AssertPng(Chart chart)
    {
        string path = TempPath(".png");
        chart.Save(path);
        var head = File.ReadAllBytes(path).Take(PngMagic.Length).ToArray();
        Assert.Equal(PngMagic, head);
    }
}
