using Augur.Domain.Frameworks;
using Augur.Domain.Workloads;

namespace Augur.Export;

/// <summary>One argument with its values: none for a flag, one for a scalar, several for a list.</summary>
public sealed record Setting(string Name, IReadOnlyList<string> Values);

/// <summary>
/// One kind of process to start: its role (train, serve, prefill, decode), how many copies, the GPUs each takes,
/// the program with its positional arguments, and its settings in the order they are written. A YAML file that holds
/// several roles nests each launch's settings under its <paramref name="Section"/>.
/// </summary>
public sealed record Launch(string Role, int Instances, int GpusEach, string Program, IReadOnlyList<Setting> Settings, string? Section = null);

/// <summary>A scenario's layout as one framework's own settings, with the notes a user needs to launch it.</summary>
/// <param name="Planned">True when the layout is <c>plan</c>'s winner, false when it is the scenario's own (as <c>estimate</c> costs it).</param>
/// <param name="Layout">The layout in Augur's words (e.g. <c>tp8 pp16 vp4 dp64 cp2 sp zero1 mb1 none</c>).</param>
public sealed record FrameworkExport(
    FrameworkSpec Framework, Scenario Scenario, bool Planned, string Layout, IReadOnlyList<string> Notes, IReadOnlyList<Launch> Launches);
