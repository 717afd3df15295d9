using System.IO.Compression;

namespace Mnist.Data.Npy;

/// <summary>
/// numpy's <c>.npz</c>: a zip archive of <c>.npy</c> members, stored (<c>np.savez</c>) or
/// deflated (<c>np.savez_compressed</c>), zip64 where numpy writes it.
/// </summary>
public static class NpzArchive
{
    /// <summary>Reads every array; keys are member names without <c>.npy</c>.</summary>
    public static Dictionary<string, NpyArray> Read(string path, Func<string, bool>? wanted = null)
    {
        using var zip = Open(path);
        var result = new Dictionary<string, NpyArray>(StringComparer.Ordinal);
        foreach (var entry in zip.Entries)
        {
            string key = KeyOf(entry);
            if (wanted is not null && !wanted(key)) continue;
            string where = $"{path}[{entry.FullName}]";
            using var stream = OpenEntry(entry, where);
            try
            {
                result[key] = NpyFormat.Read(stream, entry.Length, where);
            }
            catch (InvalidDataException e)
            {
                throw new MnistDataException(where, $"corrupt zip member: {e.Message}", e);
            }
        }
        return result;
    }

    /// <summary>The headers only: name, dtype and shape of every member, without reading data.</summary>
    public static List<(string Key, NpyHeader Header)> ReadHeaders(string path)
    {
        using var zip = Open(path);
        var result = new List<(string, NpyHeader)>();
        foreach (var entry in zip.Entries)
        {
            string where = $"{path}[{entry.FullName}]";
            using var stream = OpenEntry(entry, where);
            result.Add((KeyOf(entry), NpyHeader.Read(stream, where)));
        }
        return result;
    }

    /// <summary>
    /// Writes the arrays, deflated when <paramref name="compress"/> (like <c>np.savez_compressed</c>);
    /// <paramref name="comment"/> becomes the zip comment, which numpy ignores.
    /// </summary>
    public static void Write(string path, IEnumerable<KeyValuePair<string, NpyArray>> arrays, bool compress, string? comment = null)
    {
        IO.AtomicFile.Write(path, stream =>
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
        });
    }

    private static ZipArchive Open(string path)
    {
        if (!File.Exists(path)) throw new MnistDataException(path, "file not found");
        try
        {
            return new ZipArchive(File.OpenRead(path), ZipArchiveMode.Read);
        }
        catch (InvalidDataException e)
        {
            throw new MnistDataException(path, $"not a valid .npz (zip) archive: {e.Message}", e);
        }
    }

    private static Stream OpenEntry(ZipArchiveEntry entry, string where)
    {
        try
        {
            return entry.Open();
        }
        catch (Exception e) when (e is InvalidDataException or NotSupportedException)
        {
            throw new MnistDataException(where, $"cannot open zip member: {e.Message}", e);
        }
    }

    private static string KeyOf(ZipArchiveEntry entry) =>
        entry.FullName.EndsWith(".npy", StringComparison.Ordinal) ? entry.FullName[..^4] : entry.FullName;
}
