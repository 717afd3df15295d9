using System.Diagnostics;

namespace Mnist.App.Tests;

/// <summary>The built <c>mnist</c> run as a process of its own: for what only a real process has (signals, exit codes from the runtime).</summary>
public sealed class MnistProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _out = [], _error = [];

    private MnistProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_out) _out.Add(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_error) _error.Add(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public static MnistProcess Start(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "mnist.dll"));
        foreach (string arg in args) start.ArgumentList.Add(arg);
        return new MnistProcess(Process.Start(start)!);
    }

    public string[] Out { get { lock (_out) return [.. _out]; } }

    public string[] Error { get { lock (_error) return [.. _error]; } }

    /// <summary>Waits until a line of standard output satisfies <paramref name="condition"/>.</summary>
    public void WaitForOutput(Func<string, bool> condition, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!Out.Any(condition))
        {
            if (_process.HasExited) throw new InvalidOperationException($"mnist exited with {_process.ExitCode} first: {string.Join(" | ", Error)}");
            if (clock.Elapsed > timeout) throw new TimeoutException($"no such line after {timeout}: {string.Join(" | ", Out)}");
            Thread.Sleep(20);
        }
    }

    /// <summary>Sends <paramref name="signal"/> (TERM, INT, ...) as kill(1) does.</summary>
    public void Signal(string signal)
    {
        using var kill = Process.Start("kill", $"-{signal} {_process.Id}");
        kill.WaitForExit();
    }

    public int WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout)) throw new TimeoutException("mnist did not exit");
        _process.WaitForExit(); // the output handlers
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }
}
