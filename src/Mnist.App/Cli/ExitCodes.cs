namespace Mnist.App.Cli;

/// <summary>The process exit codes of <c>mnist</c>.</summary>
public static class ExitCodes
{
    /// <summary>Done.</summary>
    public const int Success = 0;
    /// <summary>A file or the data was bad, or the work failed: one <c>error:</c> line says why.</summary>
    public const int Failure = 1;
    /// <summary>The command line itself was wrong.</summary>
    public const int Usage = 2;
    /// <summary>Stopped by Ctrl+C after saving what there was.</summary>
    public const int Interrupted = 130;
    /// <summary>Stopped by SIGTERM after saving what there was.</summary>
    public const int Terminated = 143;
}
