using Mnist.Data.Npy;

namespace Mnist.Data;

/// <summary>
/// MNIST in an <c>.npz</c>: four arrays under the seed's or Keras' keys. Images are
/// (n, 28, 28) or (n, 784), <c>uint8</c> 0–255 or float 0–1; labels are integers 0–9.
/// </summary>
public static class NpzDataset
{
    /// <summary>
    /// Reads the dataset, recognising either key set. Keys, shapes and counts are checked from the
    /// members' headers first, so a file that cannot be a dataset is refused before its data is read.
    /// </summary>
    public static MnistDataset Read(string path)
    {
        var headers = NpzArchive.ReadHeaders(path).ToDictionary(h => h.Key, h => h.Header, StringComparer.Ordinal);
        var keys = KeysOf(path, headers.Keys);
        CheckShapes(path, keys.TrainImages, headers[keys.TrainImages], keys.TrainLabels, headers[keys.TrainLabels]);
        CheckShapes(path, keys.TestImages, headers[keys.TestImages], keys.TestLabels, headers[keys.TestLabels]);
        var arrays = NpzArchive.Read(path, keys.Names.Contains);
        return new MnistDataset(
            Split(path, keys.TrainImages, arrays[keys.TrainImages], keys.TrainLabels, arrays[keys.TrainLabels]),
            Split(path, keys.TestImages, arrays[keys.TestImages], keys.TestLabels, arrays[keys.TestLabels]));
    }

    /// <summary>True when <paramref name="path"/> is an .npz whose members are a dataset under either key set (headers only).</summary>
    public static bool Matches(string path)
    {
        try
        {
            var keys = NpzArchive.ReadHeaders(path).Select(h => h.Key).ToHashSet(StringComparer.Ordinal);
            return NpzKeys.All.Any(k => k.Names.All(keys.Contains));
        }
        catch (MnistDataException)
        {
            return false;
        }
    }

    private static NpzKeys KeysOf(string path, ICollection<string> present) =>
        NpzKeys.All.FirstOrDefault(k => k.Names.All(present.Contains))
        ?? throw new MnistDataException(path, $"missing keys: expected {string.Join(" ", NpzKeys.Seed.Names)} or {string.Join(" ", NpzKeys.Keras.Names)}; found {(present.Count == 0 ? "no arrays" : string.Join(" ", present.Order(StringComparer.Ordinal)))}");

    private static void CheckShapes(string path, string imagesKey, NpyHeader images, string labelsKey, NpyHeader labels)
    {
        string imagesWhere = $"{path}[{imagesKey}]";
        string labelsWhere = $"{path}[{labelsKey}]";
        bool square = images.Shape is [_, MnistSplit.Side, MnistSplit.Side];
        bool flat = images.Shape is [_, MnistSplit.PixelsPerImage];
        if (!square && !flat)
            throw new MnistDataException(imagesWhere, $"images have shape {NpyArray.FormatShape(images.Shape)}; expected (n, 28, 28) or (n, 784)");
        if (labels.Shape is not [_])
            throw new MnistDataException(labelsWhere, $"labels have shape {NpyArray.FormatShape(labels.Shape)}; expected (n,)");
        LabelValidation.RequireSameCount(imagesWhere, images.Shape[0], labelsWhere, labels.Shape[0]);
    }

    /// <summary>Writes the dataset as <c>uint8</c> arrays of shape (n, 28, 28) and (n,).</summary>
    public static void Write(string path, MnistDataset dataset, NpzKeys keys, bool compress, CancellationToken cancellation = default)
    {
        if (Directory.Exists(path)) throw new MnistDataException(path, "is a directory; an npz dataset is one file");
        if (File.Exists(path) && !Matches(path))
            throw new MnistDataException(path, "exists and is not an npz dataset: not overwriting it (choose a new file name)");
        cancellation.ThrowIfCancellationRequested();
        NpzArchive.Write(path,
        [
            new(keys.TrainImages, NpyArray.FromBytes([dataset.Train.Count, MnistSplit.Side, MnistSplit.Side], dataset.Train.Images)),
            new(keys.TrainLabels, NpyArray.FromBytes([dataset.Train.Count], dataset.Train.Labels)),
            new(keys.TestImages, NpyArray.FromBytes([dataset.Test.Count, MnistSplit.Side, MnistSplit.Side], dataset.Test.Images)),
            new(keys.TestLabels, NpyArray.FromBytes([dataset.Test.Count], dataset.Test.Labels)),
        ], compress);
    }

    private static MnistSplit Split(string path, string imagesKey, NpyArray images, string labelsKey, NpyArray labels) =>
        new(ToPixels($"{path}[{imagesKey}]", images), ToLabels($"{path}[{labelsKey}]", labels));

    private static byte[] ToPixels(string where, NpyArray images)
    {
        switch (images.Type)
        {
            case NpyDType.UInt8:
                return images.Data;
            case NpyDType.Float32 or NpyDType.Float64:
                var pixels = new byte[images.Length];
                for (int i = 0; i < pixels.Length; i++)
                {
                    double v = images.ElementAsDouble(i);
                    if (!(v >= 0 && v <= 1))
                        throw new MnistDataException(where, $"float pixel {v} at index {i} is outside [0, 1]");
                    pixels[i] = (byte)Math.Round(v * 255);
                }
                return pixels;
            default:
                var ints = new byte[images.Length];
                for (int i = 0; i < ints.Length; i++)
                {
                    double v = images.ElementAsDouble(i);
                    if (v is < 0 or > 255) throw new MnistDataException(where, $"pixel {v} at index {i} is outside 0-255");
                    ints[i] = (byte)v;
                }
                return ints;
        }
    }

    private static byte[] ToLabels(string where, NpyArray labels)
    {
        if (labels.Type is NpyDType.Float32 or NpyDType.Float64)
            throw new MnistDataException(where, $"labels must be integers, not {NpyDescr.NumpyName(labels.Type)}");
        var result = new byte[labels.Length];
        for (int i = 0; i < result.Length; i++)
        {
            double v = labels.ElementAsDouble(i);
            if (v is < 0 or > 9) throw new MnistDataException(where, $"label {v} at index {i} is outside 0-9");
            result[i] = (byte)v;
        }
        return result;
    }
}
