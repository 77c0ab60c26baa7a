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
            Out = new AnsiConsoleOutput(writer),
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = width;
        return console;
    }

    public static Table Table(params string[] columns)
    {
        var t = new Table().Border(TableBorder.Rounded);
        foreach (var c in columns) t.AddColumn(new TableColumn(c));
        return t;
    }

    public static Text Line(string text) => new(text + "\n");
}
