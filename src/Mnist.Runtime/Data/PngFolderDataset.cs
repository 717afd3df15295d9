using System.Globalization;
using System.Text;
using System.Text.Json;
using Mnist.Imaging;

namespace Mnist.Data;

/// <summary>
/// MNIST as a folder of images, the original program's layout: <c>DIR/train_x/00001.png</c> ...
/// (28×28 8-bit grayscale PNGs) with <c>DIR/train_y.json</c> (a JSON array of ints), and the
/// same for <c>test_</c>. Image k is the one numbered k, 1 to N without gaps, and pairs with the
/// k-th label — never by the order a directory listing happens to return.
/// </summary>
public static class PngFolderDataset
{
    /// <summary>Largest image file read: a 28×28 PNG is a few hundred bytes.</summary>
    public const long MaxImageBytes = 1 << 20;

    /// <summary>Largest label file read (JSON for 10 million labels fits).</summary>
    public const long MaxLabelBytes = 64L << 20;

    /// <summary>True when <paramref name="directory"/> looks like this layout.</summary>
    public static bool Matches(string directory) =>
        Directory.Exists(Path.Combine(directory, "train_x")) || File.Exists(Path.Combine(directory, "train_y.json"));

    /// <summary>Reads both splits.</summary>
    public static MnistDataset Read(string directory) =>
        new(ReadSplit(directory, "train"), ReadSplit(directory, "test"));

    /// <summary>
    /// Writes both splits into <paramref name="directory"/>, replacing only what the format owns
    /// (<c>train_x/</c>, <c>train_y.json</c>, <c>test_x/</c>, <c>test_y.json</c>): everything is
    /// written under temporary names first and moved into place at the end, so a failure, Ctrl+C or a
    /// kill leaves the old dataset intact. A directory that holds anything but a PNG dataset is
    /// refused untouched.
    /// </summary>
    public static void Write(string directory, MnistDataset dataset, CancellationToken cancellation = default)
    {
        OutputDirectory.RequireEmptyOr(directory, Matches, "a PNG dataset");
        using var staged = new IO.StagedFiles(directory);
        foreach (var (name, split) in new[] { ("train", dataset.Train), ("test", dataset.Test) })
        {
            staged.WriteDirectory($"{name}_x", folder => WriteImages(folder, split, cancellation));
            staged.WriteFile($"{name}_y.json", s => s.Write(Encoding.UTF8.GetBytes(LabelsJson(split))));
        }
        cancellation.ThrowIfCancellationRequested();
        staged.Commit();
    }

    private static MnistSplit ReadSplit(string directory, string split)
    {
        string imagesDir = Path.Combine(directory, $"{split}_x");
        string labelsPath = Path.Combine(directory, $"{split}_y.json");
        if (!Directory.Exists(imagesDir)) throw new MnistDataException(imagesDir, "directory not found");
        byte[] labels = ReadLabels(labelsPath);
        var files = NumberedImages(imagesDir);
        LabelValidation.RequireSameCount(imagesDir, files.Length, labelsPath, labels.Length);

        var pixels = GC.AllocateUninitializedArray<byte>(checked(files.Length * MnistSplit.PixelsPerImage));
        IO.ParallelWork.For(files.Length, i =>
        {
            string file = files[i];
            GrayPng.Decode(file, IO.LimitedFile.ReadAllBytes(file, MaxImageBytes, "a 28x28 image"), MnistSplit.Side, MnistSplit.Side,
                pixels.AsSpan(i * MnistSplit.PixelsPerImage, MnistSplit.PixelsPerImage));
        });
        return new MnistSplit(pixels, labels);
    }

    // The images numbered 1..N, in that order: a gap or a duplicate is an error naming the file.
    private static string[] NumberedImages(string imagesDir)
    {
        var numbered = new List<(long Number, string Path)>();
        foreach (string file in Directory.EnumerateFiles(imagesDir))
        {
            string name = Path.GetFileName(file);
            if (name.StartsWith('.')) continue;
            string stem = Path.GetFileNameWithoutExtension(name);
            if (!name.EndsWith(".png", StringComparison.OrdinalIgnoreCase) || stem.Length == 0 || !stem.All(char.IsAsciiDigit))
                throw new MnistDataException(file, "unexpected file: images must be numbered PNGs like 00001.png");
            if (!long.TryParse(stem, NumberStyles.None, CultureInfo.InvariantCulture, out long number) || number > int.MaxValue)
                throw new MnistDataException(file, "image number is too large");
            numbered.Add((number, file));
        }
        numbered.Sort((a, b) => a.Number.CompareTo(b.Number));
        for (int i = 0; i < numbered.Count; i++)
        {
            if (i > 0 && numbered[i].Number == numbered[i - 1].Number)
                throw new MnistDataException(numbered[i].Path, $"has the same number as {Path.GetFileName(numbered[i - 1].Path)}");
            if (numbered[i].Number != i + 1)
                throw new MnistDataException(imagesDir, $"image {i + 1} is missing: images must be numbered 1 to {numbered.Count} without gaps (found {Path.GetFileName(numbered[i].Path)} next)");
        }
        return numbered.Select(n => n.Path).ToArray();
    }

    private static byte[] ReadLabels(string path)
    {
        var bytes = IO.LimitedFile.ReadAllBytes(path, MaxLabelBytes, "a label file");
        var labels = new List<byte>();
        try
        {
            var reader = new Utf8JsonReader(bytes);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
                throw new MnistDataException(path, "expected a JSON array of integer labels");
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out long value))
                    throw new MnistDataException(path, $"label {labels.Count} is not an integer");
                if (value is < 0 or > 9) throw new MnistDataException(path, $"label {value} at index {labels.Count} is outside 0-9");
                labels.Add((byte)value);
            }
            if (reader.TokenType != JsonTokenType.EndArray) throw new MnistDataException(path, "the JSON array is not closed");
            // as Python's json: only white space may follow the value
            if (reader.Read()) throw new MnistDataException(path, $"unexpected content after the label array at byte {reader.TokenStartIndex}");
        }
        catch (JsonException e)
        {
            throw new MnistDataException(path, $"invalid JSON: {e.Message}", e);
        }
        return labels.ToArray();
    }

    private static void WriteImages(string folder, MnistSplit data, CancellationToken cancellation)
    {
        int width = Math.Max(5, data.Count.ToString(CultureInfo.InvariantCulture).Length);
        IO.ParallelWork.For(data.Count, i =>
        {
            string name = (i + 1).ToString(CultureInfo.InvariantCulture).PadLeft(width, '0') + ".png";
            File.WriteAllBytes(Path.Combine(folder, name), GrayPng.Encode(data.Image(i), MnistSplit.Side, MnistSplit.Side));
        }, cancellation);
    }

    private static string LabelsJson(MnistSplit data)
    {
        var json = new StringBuilder(data.Count * 3 + 2).Append('[');
        for (int i = 0; i < data.Count; i++) json.Append(i == 0 ? "" : ", ").Append((char)('0' + data.Labels[i]));
        return json.Append(']').ToString();
    }
}
