using System.IO.Compression;

namespace Mnist.Data.Npy;

/// <summary>
/// numpy's <c>.npz</c>: a zip archive of <c>.npy</c> members, stored (<c>np.savez</c>) or
/// deflated (<c>np.savez_compressed</c>), zip64 where numpy writes it. Every header is checked
/// against its member's declared size before any data is read, and every member read is checked
/// against its CRC-32 and declared size, as numpy does.
/// </summary>
public static class NpzArchive
{
    /// <summary>
    /// Reads the arrays whose key <paramref name="wanted"/> accepts (every array when it is null);
    /// keys are member names without <c>.npy</c>.
    /// </summary>
    public static Dictionary<string, NpyArray> Read(string path, Func<string, bool>? wanted = null)
    {
        using var file = OpenFile(path);
        var result = new Dictionary<string, NpyArray>(StringComparer.Ordinal);
        foreach (var member in Members(file, path))
        {
            string key = KeyOf(member.Name);
            if (wanted is not null && !wanted(key)) continue;
            string where = $"{path}[{member.Name}]";
            result[key] = Guard(where, () =>
            {
                using var data = ZipDirectory.OpenData(file, member, where);
                var stream = new IO.CheckedStream(data, member.Size, member.Crc32, where);
                var array = NpyFormat.Read(stream, member.Size, where);
                stream.Finish();
                return array;
            });
        }
        return result;
    }

    /// <summary>
    /// The headers only: name, dtype and shape of every member, each checked against the size the
    /// archive declares for it, without reading any data.
    /// </summary>
    public static List<(string Key, NpyHeader Header)> ReadHeaders(string path)
    {
        using var file = OpenFile(path);
        var result = new List<(string, NpyHeader)>();
        foreach (var member in Members(file, path))
        {
            string where = $"{path}[{member.Name}]";
            var header = Guard(where, () =>
            {
                using var data = ZipDirectory.OpenData(file, member, where);
                var read = NpyHeader.Read(data, where);
                NpyFormat.Check(read, member.Size, where);
                return read;
            });
            result.Add((KeyOf(member.Name), header));
        }
        return result;
    }

    /// <summary>
    /// Writes the arrays, deflated when <paramref name="compress"/> (like <c>np.savez_compressed</c>);
    /// <paramref name="comment"/> becomes the zip comment, which numpy ignores.
    /// </summary>
    public static void Write(string path, IEnumerable<KeyValuePair<string, NpyArray>> arrays, bool compress, string? comment = null) =>
        IO.AtomicFile.Write(path, stream => Write(stream, arrays, compress, comment));

    /// <summary>Writes the archive to <paramref name="stream"/> (left open).</summary>
    public static void Write(Stream stream, IEnumerable<KeyValuePair<string, NpyArray>> arrays, bool compress, string? comment = null)
    {
        using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
        if (comment is not null) zip.Comment = comment;
        foreach (var (key, array) in arrays)
        {
            var entry = zip.CreateEntry(key + ".npy", compress ? CompressionLevel.Optimal : CompressionLevel.NoCompression);
            entry.LastWriteTime = new DateTimeOffset(1980, 1, 1, 0, 0, 0, TimeSpan.Zero);
            using var entryStream = entry.Open();
            NpyFormat.Write(entryStream, array);
        }
    }

    /// <summary>The zip comment of <paramref name="path"/> ("" when there is none).</summary>
    public static string Comment(string path)
    {
        using var file = OpenFile(path);
        return Guard(path, () => ZipDirectory.Read(file, path).Comment);
    }

    private static FileStream OpenFile(string path)
    {
        if (Directory.Exists(path)) throw new MnistDataException(path, "is a directory, not an .npz file");
        if (!File.Exists(path)) throw new MnistDataException(path, "file not found");
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw IO.FileErrors.Describe(path, e);
        }
    }

    // The members, each name once: a second member of the same name would silently replace the first.
    private static List<ZipMember> Members(Stream file, string path)
    {
        var members = Guard(path, () => ZipDirectory.Read(file, path).Members);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var member in members)
            if (!seen.Add(KeyOf(member.Name))) throw new MnistDataException($"{path}[{member.Name}]", "appears twice in the archive");
        return members;
    }

    // A damaged deflate stream surfaces as InvalidDataException wherever the inflater meets it;
    // a file that ends early as EndOfStreamException.
    private static T Guard<T>(string where, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (InvalidDataException e)
        {
            throw new MnistDataException(where, "corrupt zip member: its deflate data is damaged", e);
        }
        catch (EndOfStreamException e)
        {
            throw new MnistDataException(where, "not a valid .npz (zip) archive: truncated", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw IO.FileErrors.Describe(where, e);
        }
    }

    private static string KeyOf(string name) => name.EndsWith(".npy", StringComparison.Ordinal) ? name[..^4] : name;
}
