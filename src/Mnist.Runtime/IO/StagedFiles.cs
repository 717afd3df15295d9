namespace Mnist.IO;

/// <summary>
/// Several outputs in one directory replaced together or not at all: each file or folder is first
/// written under a temporary name (<see cref="Temporaries"/>) beside its final one; only when all of
/// them are complete does <see cref="Commit"/> rename them into place and remove the entries that
/// are to go (another flavour of the same dataset, say). A failure, a cancellation or a kill before
/// that leaves every old file as it was; disposing without a commit removes the temporaries.
/// Entries the set does not name are never touched.
/// </summary>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
public sealed class StagedFiles : IDisposable
{
    private readonly string _directory;
    private readonly List<(string Temp, string Final, bool IsDirectory)> _staged = [];
    private readonly List<string> _removals = [];
    private bool _committed;

    /// <summary>Stages outputs in <paramref name="directory"/> (created if missing).</summary>
    public StagedFiles(string directory)
    {
        _directory = Path.GetFullPath(directory);
        Guard(_directory, () => Directory.CreateDirectory(_directory));
    }

    /// <summary>Writes file <paramref name="name"/> under a temporary name, flushed to disk.</summary>
    public void WriteFile(string name, Action<Stream> write)
    {
        string final = Path.Combine(_directory, name);
        if (Directory.Exists(final)) throw new MnistDataException(final, "is a directory");
        Temporaries.RemoveStale(final);
        string temp = Temporaries.For(final);
        _staged.Add((temp, final, false));
        Guard(final, () =>
        {
            using var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
            write(stream);
            stream.Flush(flushToDisk: true);
        });
    }

    /// <summary>A new empty folder that becomes <paramref name="name"/> at the commit; fill it with <paramref name="fill"/>.</summary>
    public void WriteDirectory(string name, Action<string> fill)
    {
        string final = Path.Combine(_directory, name);
        if (File.Exists(final)) throw new MnistDataException(final, "is a file, not a directory");
        Temporaries.RemoveStale(final);
        string temp = Temporaries.For(final);
        _staged.Add((temp, final, true));
        Guard(final, () => Directory.CreateDirectory(temp));
        try
        {
            fill(temp);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw FileErrors.Describe(final, e);
        }
    }

    /// <summary>Removes file <paramref name="name"/>, if it exists, at the commit.</summary>
    public void RemoveAtCommit(string name) => _removals.Add(Path.Combine(_directory, name));

    /// <summary>Moves everything staged into place, then removes what is to go.</summary>
    public void Commit()
    {
        var replaced = new List<string>();
        foreach (var (temp, final, isDirectory) in _staged)
        {
            Guard(final, () =>
            {
                if (!isDirectory)
                {
                    File.Move(temp, final, overwrite: true);
                    return;
                }
                // a folder cannot be renamed over another: the old one steps aside first
                if (Directory.Exists(final))
                {
                    string old = Temporaries.For(final, ".old");
                    Directory.Move(final, old);
                    replaced.Add(old);
                }
                Directory.Move(temp, final);
            });
        }
        _committed = true;
        foreach (string path in _removals) Guard(path, () => { if (File.Exists(path)) File.Delete(path); });
        foreach (string old in replaced) TryDeleteDirectory(old);
    }

    /// <summary>Removes whatever was staged and not committed.</summary>
    public void Dispose()
    {
        if (_committed) return;
        foreach (var (temp, _, isDirectory) in _staged)
        {
            if (isDirectory) TryDeleteDirectory(temp);
            else AtomicFile.TryDelete(temp);
        }
    }

    private static void Guard(string path, Action action)
    {
        try
        {
            action();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw FileErrors.Describe(path, e);
        }
    }

    private static void TryDeleteDirectory(string path)
    {
        try
        {
            if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // best effort: a later run's RemoveStale takes it
        }
    }
}
