using System.Diagnostics;
using System.Globalization;

namespace Mnist.IO;

/// <summary>
/// Names of the temporary files and folders an output is written under before it is moved into
/// place: <c>.NAME.PID-N.tmp</c> (and <c>.NAME.PID-N.old</c> for a folder being replaced), beside
/// the output. The process id in the name lets a later run of the same command find what a killed
/// run left behind and remove it (<see cref="RemoveStale"/>), never what a live process is writing.
/// </summary>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
public static class Temporaries
{
    private static int s_counter;

    /// <summary>A fresh temporary name for <paramref name="path"/> (in the same directory, so that a rename replaces it atomically).</summary>
    public static string For(string path, string suffix = ".tmp")
    {
        string full = Path.GetFullPath(path).TrimEnd(Path.DirectorySeparatorChar);
        int n = Interlocked.Increment(ref s_counter);
        return Path.Combine(Path.GetDirectoryName(full)!,
            string.Create(CultureInfo.InvariantCulture, $".{Path.GetFileName(full)}.{Environment.ProcessId}-{n}{suffix}"));
    }

    /// <summary>
    /// Deletes the temporaries of <paramref name="path"/> (files or folders) left by processes that
    /// no longer run. A folder left half-replaced (<c>.old</c> beside a missing original) is put back.
    /// Earlier versions' names (<c>.NAME.PID.GUID.tmp</c>, and <c>NAME.PID.tmp</c>/<c>.old</c> beside a
    /// folder) are recognised too, so that an upgrade does not leave them behind.
    /// </summary>
    public static void RemoveStale(string path)
    {
        string full = Path.GetFullPath(path).TrimEnd(Path.DirectorySeparatorChar);
        string? directory = Path.GetDirectoryName(full);
        if (directory is null || !Directory.Exists(directory)) return;
        string name = Path.GetFileName(full);
        List<string> entries;
        try { entries = Directory.EnumerateFileSystemEntries(directory, "*" + name + ".*").ToList(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return; }
        foreach (string entry in entries)
        {
            string file = Path.GetFileName(entry);
            string rest = file.StartsWith("." + name + ".", StringComparison.Ordinal) ? file[(name.Length + 2)..]
                : file.StartsWith(name + ".", StringComparison.Ordinal) ? file[(name.Length + 1)..] : "";
            bool old = rest.EndsWith(".old", StringComparison.Ordinal);
            if (!old && !rest.EndsWith(".tmp", StringComparison.Ordinal)) continue;
            int end = 0;
            while (end < rest.Length && char.IsAsciiDigit(rest[end])) end++;
            if (end == 0 || end == rest.Length || rest[end] is not ('-' or '.')) continue;
            if (!int.TryParse(rest.AsSpan(0, end), NumberStyles.None, CultureInfo.InvariantCulture, out int pid)) continue;
            if (pid == Environment.ProcessId || IsRunning(pid)) continue;
            try
            {
                if (old && !Path.Exists(full)) Directory.Move(entry, full); // killed between the two renames of a replacement
                else if (Directory.Exists(entry)) Directory.Delete(entry, recursive: true);
                else File.Delete(entry);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // another run is cleaning up too, or it is not ours to delete: leave it
            }
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }
}
