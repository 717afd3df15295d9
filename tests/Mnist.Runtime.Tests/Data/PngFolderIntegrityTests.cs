using Mnist.Data;
using Mnist.Imaging;

namespace Mnist.Runtime.Tests.Data;

/// <summary>PNG folders whose numbering or labels cannot be trusted, and files that never end.</summary>
public class PngFolderIntegrityTests
{
    private static TempDirectory Folder(int trainImages, string trainLabels, params string[] names)
    {
        var dir = new TempDirectory();
        Directory.CreateDirectory(dir.File("train_x"));
        Directory.CreateDirectory(dir.File("test_x"));
        var pixels = SyntheticMnist.Images(Math.Max(trainImages, 1));
        var files = names.Length > 0 ? names : Enumerable.Range(1, trainImages).Select(n => $"{n:D5}.png").ToArray();
        for (int i = 0; i < files.Length; i++)
            File.WriteAllBytes(Path.Combine(dir.File("train_x"), files[i]), GrayPng.Encode(pixels.AsSpan(i % trainImages * 784, 784), 28, 28));
        File.WriteAllBytes(Path.Combine(dir.File("test_x"), "00001.png"), GrayPng.Encode(pixels.AsSpan(0, 784), 28, 28));
        File.WriteAllText(dir.File("train_y.json"), trainLabels);
        File.WriteAllText(dir.File("test_y.json"), "[7]");
        return dir;
    }

    [Fact]
    public void A_gap_in_the_numbering_is_refused_naming_the_missing_image()
    {
        // 00001..00019 and 00021 with 20 labels: 00021.png must not silently get label 20
        var names = Enumerable.Range(1, 19).Select(n => $"{n:D5}.png").Append("00021.png").ToArray();
        using var dir = Folder(20, "[" + string.Join(", ", Enumerable.Range(0, 20).Select(i => i % 10)) + "]", names);
        var e = Assert.Throws<MnistDataException>(() => PngFolderDataset.Read(dir.Path));
        Assert.Equal(dir.File("train_x"), e.FilePath);
        Assert.Equal("image 20 is missing: images must be numbered 1 to 20 without gaps (found 00021.png next)", e.Problem);
    }

    [Fact]
    public void A_number_too_large_for_any_dataset_is_an_error_not_a_crash()
    {
        using var dir = Folder(1, "[3]", "99999999999999999999.png");
        var e = Assert.Throws<MnistDataException>(() => PngFolderDataset.Read(dir.Path));
        Assert.Equal(Path.Combine(dir.File("train_x"), "99999999999999999999.png"), e.FilePath);
        Assert.Equal("image number is too large", e.Problem);
    }

    [Theory]
    [InlineData("[3, 1] junk")]
    [InlineData("[3, 1] [4]")]
    [InlineData("[3, 1")]
    public void Label_json_with_anything_but_white_space_after_the_array_is_refused(string json)
    {
        using var dir = Folder(2, json);
        var e = Assert.Throws<MnistDataException>(() => PngFolderDataset.Read(dir.Path));
        Assert.Equal(dir.File("train_y.json"), e.FilePath);
        Assert.StartsWith("invalid JSON", e.Problem);
    }

    [Fact]
    public void Label_json_followed_by_white_space_is_fine()
    {
        using var dir = Folder(2, "[3, 1]\n \t\n");
        Assert.Equal([3, 1], PngFolderDataset.Read(dir.Path).Train.Labels);
    }

    [SkippableFact]
    public void An_image_that_is_a_link_to_dev_zero_is_read_with_a_hard_cap()
    {
        Skip.IfNot(File.Exists("/dev/zero"), "needs /dev/zero");
        using var dir = Folder(2, "[3, 1]");
        string image = Path.Combine(dir.File("train_x"), "00002.png");
        File.Delete(image);
        File.CreateSymbolicLink(image, "/dev/zero");

        var e = Assert.Throws<MnistDataException>(() => PngFolderDataset.Read(dir.Path));
        Assert.Equal(image, e.FilePath);
        Assert.Equal("more than 1 MiB: far too large for a 28x28 image", e.Problem);
    }
}
