namespace Augur.Domain.Parallelism;

/// <summary>Why a layout cannot run, in one line a user can act on.</summary>
public sealed class LayoutException(string message) : InputException(message);
