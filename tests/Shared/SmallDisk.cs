using System.Diagnostics;

namespace Mnist.Tests.Shared;

/// <summary>
/// A tiny file system of its own (tmpfs of a given size), to fill up for real: what a full disk does
/// to a write. Needs root and mount(8); a test that needs one skips with the reason where it cannot be had.
/// </summary>
public sealed class SmallDisk : IDisposable
{
    private SmallDisk(string path) => Path = path;

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public static SmallDisk Mount(int kilobytes)
    {
        string path = Directory.CreateTempSubdirectory("mnist-disk-").FullName;
        string? failure = Run("mount", "-t", "tmpfs", "-o", $"size={kilobytes}k", "tmpfs", path);
        if (failure is not null)
        {
            Directory.Delete(path);
            Skip.If(true, $"cannot mount a small tmpfs to fill up ({failure})");
        }
        return new SmallDisk(path);
    }

    /// <summary>Fills the disk with a file of zeros until no space is left.</summary>
    public void Fill(string name = "filler")
    {
        using var stream = new FileStream(File(name), FileMode.Append);
        var block = new byte[4096];
        try { while (true) stream.Write(block); }
        catch (IOException) { }
        try { stream.Flush(); } catch (IOException) { }
    }

    public void Dispose()
    {
        Run("umount", Path);
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }

    private static string? Run(string program, params string[] arguments)
    {
        try
        {
            var start = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var argument in arguments) start.ArgumentList.Add(argument);
            using var process = Process.Start(start)!;
            string error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0 ? null : error.Trim();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return e.Message;
        }
    }
}
