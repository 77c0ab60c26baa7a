namespace Augur.Domain;

/// <summary>
/// Bad input a user can fix: a malformed file, an unknown name, an impossible layout, a negative size.
/// The message is one line that says what is wrong and how to fix it; the CLI prints it and exits with code 2.
/// </summary>
public class InputException(string message) : Exception(message);
