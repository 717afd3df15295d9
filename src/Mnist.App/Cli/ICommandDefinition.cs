using System.CommandLine;

namespace Mnist.App.Cli;

/// <summary>A top-level command of <c>mnist</c>.</summary>
public interface ICommandDefinition
{
    /// <summary>Builds the command; actions are attached with <paramref name="binder"/>.</summary>
    Command Build(CommandBinder binder);
}
