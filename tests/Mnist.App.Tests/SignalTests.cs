namespace Mnist.App.Tests;

/// <summary>SIGTERM (docker stop, systemd, timeout, CI cancellation) does what Ctrl+C does, in a real process.</summary>
public class SignalTests
{
    [Theory]
    [InlineData("TERM", 143)]
    [InlineData("INT", 130)]
    public void A_signal_stops_training_at_the_next_step_saves_and_exits_with_its_code(string signal, int exitCode)
    {
        using var dir = new TempDirectory();
        using var mnist = MnistProcess.Start("train", "--data", FixtureData.Write(dir.File("data")), "--steps", "100000000", "--eval-every", "1000",
            "--blas", "simd", "--threads", "1", "--out", dir.File("run"));
        mnist.WaitForOutput(line => line.StartsWith("step ", StringComparison.Ordinal), TimeSpan.FromSeconds(60));

        mnist.Signal(signal);

        Assert.Equal(exitCode, mnist.WaitForExit(TimeSpan.FromSeconds(60)));
        Assert.Contains(mnist.Error, line => line.StartsWith("interrupted at step ", StringComparison.Ordinal));
        Assert.True(File.Exists(dir.File("run/model.npz")));
        Assert.True(File.Exists(dir.File("run/history.csv")));
        Assert.Empty(Directory.GetFiles(dir.File("run"), ".*"));
    }
}
