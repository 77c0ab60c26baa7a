using Spectre.Console;
using Spectre.Console.Rendering;

namespace Augur.Reports.Console;

/// <summary>Renders Spectre widgets to a plain TextWriter (no colour codes, fixed width) — the only place a console is created.</summary>
public static class Render
{
    public static void To(TextWriter writer, params IRenderable[] items)
    {
        var console = Plain(writer, width: 120);
        foreach (var item in items) console.Write(item);
        (writer as TableCapture)?.Keep(items);
    }

    /// <summary>A console that writes plain text (no ANSI codes, no colour) at a fixed width.</summary>
    internal static IAnsiConsole Plain(TextWriter writer, int width)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Out = new FixedWidthOutput(writer, width),
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = width;
        return console;
    }

    /// <summary>
    /// Output to a writer that is not a terminal, at a set width. Spectre's own AnsiConsoleOutput asks the console for
    /// its size, which on Unix reads the terminal's description at every start, though the width is set anyway.
    /// </summary>
    sealed class FixedWidthOutput(TextWriter writer, int width) : IAnsiConsoleOutput
    {
        public TextWriter Writer => writer;
        public bool IsTerminal => false;
        public int Width => width;
        public int Height => 24; // Spectre's default; only live displays use it
        public void SetEncoding(System.Text.Encoding encoding) { }
    }

    public static Table Table(params string[] columns)
    {
        var t = new Table().Border(TableBorder.Rounded);
        foreach (var c in columns) t.AddColumn(new TableColumn(c));
        return t;
    }

    public static Text Line(string text) => new(text + "\n");
}
