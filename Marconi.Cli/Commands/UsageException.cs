namespace Marconi.Cli.Commands;

/// <summary>The command line was well-formed for the parser but its values are not usable (bad JSON, no project): exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
