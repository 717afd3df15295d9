using Mnist.Data;
using Mnist.Imaging;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Mnist.Runtime.Tests.Data;

public class PngFolderDatasetTests
{
    [Fact]
    public void Dataset_round_trips_through_a_png_folder_in_the_seed_layout()
    {
        using var dir = new TempDirectory();
        string root = dir.File("png");
        PngFolderDataset.Write(root, SyntheticMnist.Dataset());

        Assert.True(File.Exists(Path.Combine(root, "train_x", "00001.png")));
        Assert.Equal("[3, 1, 4]", File.ReadAllText(Path.Combine(root, "train_y.json")));
        Assert.Equal(DatasetFormat.Png, DatasetFiles.Detect(root));
        SyntheticMnist.AssertEqual(SyntheticMnist.Dataset(), PngFolderDataset.Read(root));
    }

    [Fact]
    public void Written_pngs_are_8_bit_grayscale()
    {
        var png = GrayPng.Encode(SyntheticMnist.Images(1), 28, 28);
        Assert.Equal(8, png[24]); // IHDR bit depth
        Assert.Equal(0, png[25]); // IHDR colour type 0 = grayscale
    }

    [Fact]
    public void Images_pair_with_labels_by_number_not_by_listing_order()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.File("train_x"));
        Directory.CreateDirectory(dir.File("test_x"));
        var pixels = SyntheticMnist.Images(10);
        // 2 < 10 numerically but "10" < "2" as text
        for (int number = 1; number <= 10; number++)
            File.WriteAllBytes(Path.Combine(dir.File("train_x"), $"{number}.png"), GrayPng.Encode(pixels.AsSpan((number - 1) * 784, 784), 28, 28));
        File.WriteAllBytes(Path.Combine(dir.File("test_x"), "1.png"), GrayPng.Encode(pixels.AsSpan(0, 784), 28, 28));
        File.WriteAllText(dir.File("train_y.json"), "[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]");
        File.WriteAllText(dir.File("test_y.json"), "[7]");

        var dataset = PngFolderDataset.Read(dir.Path);
        Assert.Equal(pixels, dataset.Train.Images);
    }

    [Fact]
    public void Png_that_is_not_28_by_28_is_refused_with_its_size()
    {
        using var dir = WriteDataset();
        File.WriteAllBytes(Path.Combine(dir.Path, "train_x", "00002.png"), GrayPng.Encode(new byte[30 * 30], 30, 30));
        var e = Assert.Throws<MnistDataException>(() => PngFolderDataset.Read(dir.Path));
        Assert.Equal($"{Path.Combine(dir.Path, "train_x", "00002.png")}: image is 30x30; expected 28x28", e.Message);
    }

    [Fact]
    public void Colour_png_is_refused_as_not_grayscale()
    {
        using var dir = WriteDataset();
        using var image = new Image<Rgba32>(28, 28, new Rgba32(255, 0, 0));
        image.SaveAsPng(Path.Combine(dir.Path, "test_x", "00001.png"));
        var e = Assert.Throws<MnistDataException>(() => PngFolderDataset.Read(dir.Path));
        Assert.StartsWith("image is not 8-bit grayscale", e.Problem);
    }

    [Fact]
    public void File_that_is_not_a_png_is_refused()
    {
        using var dir = WriteDataset();
        File.WriteAllText(Path.Combine(dir.Path, "train_x", "00003.png"), "hello");
        var e = Assert.Throws<MnistDataException>(() => PngFolderDataset.Read(dir.Path));
        Assert.Equal($"{Path.Combine(dir.Path, "train_x", "00003.png")}: not a PNG file", e.Message);
    }

    [Fact]
    public void Label_count_must_match_image_count()
    {
        using var dir = WriteDataset();
        File.WriteAllText(dir.File("train_y.json"), "[3, 1]");
        var e = Assert.Throws<MnistDataException>(() => PngFolderDataset.Read(dir.Path));
        Assert.Equal($"{dir.File("train_x")}: 3 images but 2 labels in {dir.File("train_y.json")}", e.Message);
    }

    [Theory]
    [InlineData("[3, 1, 11]", "label 11 at index 2 is outside 0-9")]
    [InlineData("[3, 1, \"4\"]", "label 2 is not an integer")]
    [InlineData("{\"a\": 1}", "expected a JSON array of integer labels")]
    public void Bad_label_json_names_the_file_and_problem(string json, string problem)
    {
        using var dir = WriteDataset();
        File.WriteAllText(dir.File("train_y.json"), json);
        var e = Assert.Throws<MnistDataException>(() => PngFolderDataset.Read(dir.Path));
        Assert.Equal(dir.File("train_y.json"), e.FilePath);
        Assert.Equal(problem, e.Problem);
    }

    [Fact]
    public void Failed_write_leaves_the_existing_folder_intact()
    {
        using var dir = WriteDataset();
        var bad = new MnistDataset(SyntheticMnist.Dataset().Train, null!);
        Assert.ThrowsAny<Exception>(() => PngFolderDataset.Write(dir.Path, bad));
        SyntheticMnist.AssertEqual(SyntheticMnist.Dataset(), PngFolderDataset.Read(dir.Path));
    }

    private static TempDirectory WriteDataset()
    {
        var dir = new TempDirectory();
        PngFolderDataset.Write(dir.Path, SyntheticMnist.Dataset());
        return dir;
    }
}
