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

    /// <summary>Writes the four files, gzip-compressed (<c>.gz</c> names) when <paramref name="gzip"/>.</summary>
    public static void Write(string directory, MnistDataset dataset, bool gzip = false)
    {
        Directory.CreateDirectory(directory);
        string suffix = gzip ? ".gz" : "";
        WriteSplit(directory, MnistFiles.TrainImages.Name + suffix, MnistFiles.TrainLabels.Name + suffix, dataset.Train);
        WriteSplit(directory, MnistFiles.TestImages.Name + suffix, MnistFiles.TestLabels.Name + suffix, dataset.Test);
    }

    private static MnistSplit ReadSplit(string directory, string imagesName, string labelsName)
    {
        string imagesPath = Locate(directory, imagesName) ?? throw new MnistDataException(Path.Combine(directory, imagesName), "file not found (nor its .gz)");
        string labelsPath = Locate(directory, labelsName) ?? throw new MnistDataException(Path.Combine(directory, labelsName), "file not found (nor its .gz)");
        var (count, rows, columns, pixels) = IdxFile.ReadImages(imagesPath);
        if (rows != MnistSplit.Side || columns != MnistSplit.Side)
            throw new MnistDataException(imagesPath, $"images are {rows}x{columns}; expected 28x28");
        byte[] labels = IdxFile.ReadLabels(labelsPath);
        LabelValidation.RequireDigits(labelsPath, labels);
        LabelValidation.RequireSameCount(imagesPath, count, labelsPath, labels.Length);
        return new MnistSplit(pixels, labels);
    }

    private static void WriteSplit(string directory, string imagesName, string labelsName, MnistSplit split)
    {
        IdxFile.WriteImages(Path.Combine(directory, imagesName), split.Count, MnistSplit.Side, MnistSplit.Side, split.Images);
        IdxFile.WriteLabels(Path.Combine(directory, labelsName), split.Labels);
    }
}
