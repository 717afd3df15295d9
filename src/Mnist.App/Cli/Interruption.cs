namespace Mnist.App.Cli;

/// <summary>
/// A request to stop: Ctrl+C (SIGINT) or SIGTERM (what <c>docker stop</c>, systemd, <c>timeout</c> and
/// CI cancellation send). Commands stop at the next safe point, keep what they had, and exit with
/// 130 for Ctrl+C or 143 for SIGTERM, as a shell reports a process ended by that signal.
/// </summary>
public sealed class Interruption
{
    private readonly CancellationTokenSource _source;
    private volatile bool _terminated;

    /// <summary>Interruptions requested through <paramref name="external"/> (tests) or by <see cref="Request"/>.</summary>
    public Interruption(CancellationToken external = default) => _source = CancellationTokenSource.CreateLinkedTokenSource(external);

    /// <summary>Set when a stop was asked for.</summary>
    public CancellationToken Token => _source.Token;

    /// <summary>Whether a stop was asked for already.</summary>
    public bool Requested => _source.IsCancellationRequested;

    /// <summary>The exit code of a command that stopped because of it.</summary>
    public int ExitCode => _terminated ? ExitCodes.Terminated : ExitCodes.Interrupted;

    /// <summary>Asks the running command to stop; <paramref name="terminate"/> for SIGTERM.</summary>
    public void Request(bool terminate)
    {
        if (terminate) _terminated = true;
        _source.Cancel();
    }
}
