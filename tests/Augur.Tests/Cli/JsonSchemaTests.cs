using System.Text.Json;

namespace Augur.Tests.Cli;

/// <summary>The JSON documented in docs/JSON.md is the JSON printed: same top-level keys, same order.</summary>
public class JsonSchemaTests
{
    public static TheoryData<string, string, string> Documented()
    {
        var data = new TheoryData<string, string, string>();
        var lines = File.ReadAllLines(Scenarios.Repo("docs/JSON.md"));
        string? name = null, command = null;
        foreach (var line in lines)
        {
            if (line.StartsWith("## ", StringComparison.Ordinal)) { name = line[3..]; command = null; }
            else if (line.StartsWith("`augur ", StringComparison.Ordinal)) command = line.Trim('`')["augur ".Length..];
            else if (line.StartsWith("keys: ", StringComparison.Ordinal) && name is not null && command is not null) data.Add(name, command, line["keys: ".Length..]);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Documented))]
    public void A_commands_json_has_the_documented_keys(string name, string command, string keys)
    {
        var args = command.Split(' ').Select(a => a.StartsWith("samples/", StringComparison.Ordinal) ? Scenarios.Repo(a) : a).ToArray();
        var (code, output, err) = CliTests.Run(args);
        Assert.True(code == 0, $"{name}: {err}");
        var printed = JsonDocument.Parse(output).RootElement.EnumerateObject().Select(p => p.Name);
        Assert.Equal(keys.Split(", "), printed);
    }

    [Fact]
    public void Every_command_with_json_is_documented() =>
        Assert.True(Documented().Count() >= 12, "docs/JSON.md lost a command");
}
