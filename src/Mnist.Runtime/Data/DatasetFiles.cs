namespace Mnist.Data;

/// <summary>Reads or writes a dataset in whichever <see cref="DatasetFormat"/> a path holds.</summary>
public static class DatasetFiles
{
    /// <summary>Tells the format of <paramref name="path"/> from what is there.</summary>
    public static DatasetFormat Detect(string path)
    {
        if (File.Exists(path))
        {
            using var stream = OpenForDetection(path);
            Span<byte> head = stackalloc byte[4];
            int read = stream.ReadAtLeast(head, 4, throwOnEndOfStream: false);
            if (read == 4 && head[0] == 'P' && head[1] == 'K') return DatasetFormat.Npz;
            throw new MnistDataException(path, "not a dataset: expected an .npz archive or a directory of IDX files or PNGs");
        }
        if (!Directory.Exists(path)) throw new MnistDataException(path, "no such file or directory");
        if (IdxDataset.Matches(path)) return DatasetFormat.Idx;
        if (PngFolderDataset.Matches(path)) return DatasetFormat.Png;
        throw new MnistDataException(path, $"directory holds neither the IDX files ({MnistFiles.TrainImages.Name}[.gz], ...) nor a PNG dataset (train_x/, train_y.json, ...)");
    }

    private static FileStream OpenForDetection(string path)
    {
        try { return File.OpenRead(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw IO.FileErrors.Describe(path, e); }
    }

    /// <summary>Reads the dataset at <paramref name="path"/> in its detected format.</summary>
    public static MnistDataset Read(string path) => Detect(path) switch
    {
        DatasetFormat.Idx => IdxDataset.Read(path),
        DatasetFormat.Npz => NpzDataset.Read(path),
        _ => PngFolderDataset.Read(path),
    };

    /// <summary>
    /// Writes <paramref name="dataset"/> to <paramref name="path"/> in <paramref name="format"/>, replacing
    /// an existing dataset of that format as a whole or not at all; a path that holds anything else is
    /// refused untouched. A cancellation leaves the old output as it was.
    /// </summary>
    public static void Write(string path, MnistDataset dataset, DatasetFormat format, NpzKeys? keys = null, bool compress = false, CancellationToken cancellation = default)
    {
        switch (format)
        {
            case DatasetFormat.Idx: IdxDataset.Write(path, dataset, compress, cancellation); break;
            case DatasetFormat.Npz: NpzDataset.Write(path, dataset, keys ?? NpzKeys.Seed, compress, cancellation); break;
            default: PngFolderDataset.Write(path, dataset, cancellation); break;
        }
    }
}
