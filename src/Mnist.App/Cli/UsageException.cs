namespace Mnist.App.Cli;

/// <summary>The command line asks for something impossible (a negative batch, an unknown backend): exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);
