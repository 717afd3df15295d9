namespace Mnist.IO;

/// <summary>
/// Reads a whole file the user named with a hard cap on its size, counting the bytes that really
/// arrive instead of trusting the length the file system reports (a symlink to <c>/dev/zero</c>
/// reports 0 and never ends; a FIFO reports nothing at all).
/// </summary>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
public static class LimitedFile
{
    /// <summary>The bytes of <paramref name="path"/>; a file longer than <paramref name="maxBytes"/> is refused, naming <paramref name="what"/>.</summary>
    public static byte[] ReadAllBytes(string path, long maxBytes, string what = "file")
    {
        if (Directory.Exists(path)) throw new MnistDataException(path, "is a directory");
        if (!File.Exists(path)) throw new MnistDataException(path, "file not found");
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
            long reported = stream.CanSeek ? stream.Length : 0;
            if (reported > maxBytes) throw TooLarge(path, maxBytes, what);
            var buffer = new byte[Math.Max(1, Math.Min(maxBytes + 1, reported > 0 ? reported + 1 : 1 << 16))];
            int filled = 0;
            while (true)
            {
                if (filled == buffer.Length)
                {
                    if (buffer.Length > maxBytes) throw TooLarge(path, maxBytes, what);
                    Array.Resize(ref buffer, (int)Math.Min(maxBytes + 1, (long)buffer.Length * 2));
                }
                int read = stream.Read(buffer, filled, buffer.Length - filled);
                if (read == 0) break;
                filled += read;
            }
            if (filled > maxBytes) throw TooLarge(path, maxBytes, what);
            return filled == buffer.Length ? buffer : buffer.AsSpan(0, filled).ToArray();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw FileErrors.Describe(path, e);
        }
    }

    private static MnistDataException TooLarge(string path, long maxBytes, string what) =>
        new(path, $"more than {Describe(maxBytes)}: far too large for {what}");

    private static string Describe(long bytes) => bytes >= 1 << 20 && bytes % (1 << 20) == 0 ? $"{bytes >> 20} MiB" : $"{bytes} bytes";
}
