using System.Globalization;
using System.Text;
using System.Text.Json;
using Mnist.Imaging;

namespace Mnist.Data;

/// <summary>
/// MNIST as a folder of images, the original program's layout: <c>DIR/train_x/00001.png</c> ...
/// (28×28 8-bit grayscale PNGs) with <c>DIR/train_y.json</c> (a JSON array of ints), and the
/// same for <c>test_</c>. Images pair with labels by the number in their file name, never by the
/// order a directory listing happens to return.
/// </summary>
public static class PngFolderDataset
{
    /// <summary>True when <paramref name="directory"/> looks like this layout.</summary>
    public static bool Matches(string directory) =>
        Directory.Exists(Path.Combine(directory, "train_x")) || File.Exists(Path.Combine(directory, "train_y.json"));

    /// <summary>Reads both splits.</summary>
    public static MnistDataset Read(string directory) =>
        new(ReadSplit(directory, "train"), ReadSplit(directory, "test"));

    /// <summary>
    /// Writes both splits into <paramref name="directory"/>: everything goes to a sibling temporary
    /// directory first, which then replaces the target, so a failure leaves the old one intact.
    /// </summary>
    public static void Write(string directory, MnistDataset dataset)
    {
        string full = Path.GetFullPath(directory).TrimEnd(Path.DirectorySeparatorChar);
        string temp = $"{full}.{Environment.ProcessId}.tmp";
        string old = $"{full}.{Environment.ProcessId}.old";
        if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
        try
        {
            WriteSplit(temp, "train", dataset.Train);
            WriteSplit(temp, "test", dataset.Test);
            if (Directory.Exists(full)) Directory.Move(full, old);
            Directory.Move(temp, full);
            if (Directory.Exists(old)) Directory.Delete(old, recursive: true);
        }
        finally
        {
            if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
        }
    }

    private static MnistSplit ReadSplit(string directory, string split)
    {
        string imagesDir = Path.Combine(directory, $"{split}_x");
        string labelsPath = Path.Combine(directory, $"{split}_y.json");
        if (!Directory.Exists(imagesDir)) throw new MnistDataException(imagesDir, "directory not found");
        byte[] labels = ReadLabels(labelsPath);
        var files = NumberedImages(imagesDir);
        LabelValidation.RequireSameCount(imagesDir, files.Length, labelsPath, labels.Length);

        var pixels = GC.AllocateUninitializedArray<byte>(files.Length * MnistSplit.PixelsPerImage);
        IO.ParallelWork.For(files.Length, i =>
        {
            string file = files[i];
            var info = new FileInfo(file);
            if (info.Length > 1 << 20) throw new MnistDataException(file, $"{info.Length} bytes is far too large for a 28x28 image");
            GrayPng.Decode(file, File.ReadAllBytes(file), MnistSplit.Side, MnistSplit.Side,
                pixels.AsSpan(i * MnistSplit.PixelsPerImage, MnistSplit.PixelsPerImage));
        });
        return new MnistSplit(pixels, labels);
    }

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
            numbered.Add((long.Parse(stem, NumberStyles.None, CultureInfo.InvariantCulture), file));
        }
        numbered.Sort((a, b) => a.Number.CompareTo(b.Number));
        for (int i = 1; i < numbered.Count; i++)
        {
            if (numbered[i].Number == numbered[i - 1].Number)
                throw new MnistDataException(numbered[i].Path, $"has the same number as {Path.GetFileName(numbered[i - 1].Path)}");
        }
        return numbered.Select(n => n.Path).ToArray();
    }

    private static byte[] ReadLabels(string path)
    {
        if (!File.Exists(path)) throw new MnistDataException(path, "file not found");
        var labels = new List<byte>();
        try
        {
            var reader = new Utf8JsonReader(File.ReadAllBytes(path));
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
                throw new MnistDataException(path, "expected a JSON array of integer labels");
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out long value))
                    throw new MnistDataException(path, $"label {labels.Count} is not an integer");
                if (value is < 0 or > 9) throw new MnistDataException(path, $"label {value} at index {labels.Count} is outside 0-9");
                labels.Add((byte)value);
            }
        }
        catch (JsonException e)
        {
            throw new MnistDataException(path, $"invalid JSON: {e.Message}", e);
        }
        return labels.ToArray();
    }

    private static void WriteSplit(string directory, string split, MnistSplit data)
    {
        string imagesDir = Path.Combine(directory, $"{split}_x");
        Directory.CreateDirectory(imagesDir);
        int width = Math.Max(5, data.Count.ToString(CultureInfo.InvariantCulture).Length);
        IO.ParallelWork.For(data.Count, i =>
        {
            string name = (i + 1).ToString(CultureInfo.InvariantCulture).PadLeft(width, '0') + ".png";
            File.WriteAllBytes(Path.Combine(imagesDir, name), GrayPng.Encode(data.Image(i), MnistSplit.Side, MnistSplit.Side));
        });
        var json = new StringBuilder(data.Count * 2 + 2).Append('[');
        for (int i = 0; i < data.Count; i++) json.Append(i == 0 ? "" : ", ").Append((char)('0' + data.Labels[i]));
        File.WriteAllText(Path.Combine(directory, $"{split}_y.json"), json.Append(']').ToString());
    }
}
