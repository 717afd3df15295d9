namespace Mnist.Data.Fetching;

/// <summary>A local directory holding the files, raw or <c>.gz</c> (also under <c>package/data</c>, as npm unpacks them).</summary>
public sealed class DirectorySource(string directory) : IMnistSource
{
    /// <inheritdoc />
    public string Name => directory;

    /// <inheritdoc />
    public byte[] Get(MnistFile file, CancellationToken cancellation)
    {
        if (!Directory.Exists(directory)) throw new MnistSourceException("directory not found");
        string? path = IdxDataset.Locate(directory, file.Name) ?? IdxDataset.Locate(Path.Combine(directory, "package", "data"), file.Name);
        if (path is null) throw new MnistSourceException($"{file.Name} not found (nor {file.Name}.gz)");
        long length = new FileInfo(path).Length;
        if (length > Idx.IdxFile.MaxDataBytes) throw new MnistSourceException($"{path} is too large");
        return File.ReadAllBytes(path);
    }
}
