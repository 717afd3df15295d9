using Mnist.Data.Idx;

namespace Mnist.Data;

/// <summary>
/// MNIST as the four IDX files of the original distribution in one directory, each raw or
/// <c>.gz</c>: <c>train-images-idx3-ubyte</c>, <c>train-labels-idx1-ubyte</c>,
/// <c>t10k-images-idx3-ubyte</c>, <c>t10k-labels-idx1-ubyte</c>.
/// </summary>
public static class IdxDataset
{
    /// <summary>True when <paramref name="directory"/> holds the training images in either form.</summary>
    public static bool Matches(string directory) => Locate(directory, MnistFiles.TrainImages.Name) is not null;

    /// <summary>The path of <paramref name="name"/> or <c>name.gz</c> in <paramref name="directory"/>; null if neither exists.</summary>
    public static string? Locate(string directory, string name)
    {
        string raw = Path.Combine(directory, name);
        if (File.Exists(raw)) return raw;
        string gz = raw + ".gz";
        return File.Exists(gz) ? gz : null;
    }

    /// <summary>Reads both splits.</summary>
    public static MnistDataset Read(string directory) => new(
        ReadSplit(directory, MnistFiles.TrainImages.Name, MnistFiles.TrainLabels.Name),
        ReadSplit(directory, MnistFiles.TestImages.Name, MnistFiles.TestLabels.Name));

    /// <summary>
    /// Writes the four files (gzip-compressed under <c>.gz</c> names when <paramref name="gzip"/>) as
    /// one replacement: all of them go to temporaries first and are then renamed into place together,
    /// and the other flavour's files (raw beside <c>.gz</c>, or the reverse) are removed in the same
    /// step, so that a later read never mixes old and new files. A directory that holds anything but
    /// an IDX dataset is refused untouched; files that are not the dataset's own are never touched.
    /// </summary>
    public static void Write(string directory, MnistDataset dataset, bool gzip = false, CancellationToken cancellation = default)
    {
        OutputDirectory.RequireEmptyOr(directory, Matches, "an IDX dataset");
        string suffix = gzip ? ".gz" : "";
        using var staged = new IO.StagedFiles(directory);
        foreach (var (images, labels, split) in new[]
        {
            (MnistFiles.TrainImages.Name, MnistFiles.TrainLabels.Name, dataset.Train),
            (MnistFiles.TestImages.Name, MnistFiles.TestLabels.Name, dataset.Test),
        })
        {
            cancellation.ThrowIfCancellationRequested();
            staged.WriteFile(images + suffix, s => IdxFile.WriteImages(s, split.Count, MnistSplit.Side, MnistSplit.Side, split.Images, gzip));
            cancellation.ThrowIfCancellationRequested();
            staged.WriteFile(labels + suffix, s => IdxFile.WriteLabels(s, split.Labels, gzip));
        }
        foreach (var file in MnistFiles.All) staged.RemoveAtCommit(file.Name + (gzip ? "" : ".gz"));
        cancellation.ThrowIfCancellationRequested();
        staged.Commit();
    }

    // Headers first: the shapes and counts of both files are checked before either's data is read.
    private static MnistSplit ReadSplit(string directory, string imagesName, string labelsName)
    {
        string imagesPath = Locate(directory, imagesName) ?? throw new MnistDataException(Path.Combine(directory, imagesName), "file not found (nor its .gz)");
        string labelsPath = Locate(directory, labelsName) ?? throw new MnistDataException(Path.Combine(directory, labelsName), "file not found (nor its .gz)");
        using var images = IdxFile.Open(imagesPath, 3, "images");
        using var labels = IdxFile.Open(labelsPath, 1, "labels");
        if (images.Dimensions[1] != MnistSplit.Side || images.Dimensions[2] != MnistSplit.Side)
            throw new MnistDataException(imagesPath, $"images are {images.Dimensions[1]}x{images.Dimensions[2]}; expected 28x28");
        LabelValidation.RequireSameCount(imagesPath, images.Dimensions[0], labelsPath, labels.Dimensions[0]);
        byte[] labelBytes = labels.ReadData();
        LabelValidation.RequireDigits(labelsPath, labelBytes);
        return new MnistSplit(images.ReadData(), labelBytes);
    }
}
