using System.CommandLine;
using Augur.Domain;

namespace Augur.Cli.Commands;

/// <summary><c>augur simulate FILE</c>: request-level serving simulation.</summary>
static class SimulateCommand
{
    public static Command Create(TextWriter output)
    {
        var file = Shared.ScenarioFile();
        var cmd = new Command("simulate", "simulate serving request by request (continuous batching, paged KV cache)") { file, Shared.Json() };
        cmd.SetAction(int (r) => throw new InputException("simulate is not wired yet"));
        return cmd;
    }
}
