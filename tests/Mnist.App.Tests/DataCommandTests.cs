using Mnist.Data;
using Mnist.Data.Idx;

namespace Mnist.App.Tests;

public class DataCommandTests
{
    private static MnistDataset Tiny()
    {
        var images = new byte[5 * 784];
        for (int i = 0; i < images.Length; i++) images[i] = (byte)(i % 251);
        return new MnistDataset(new MnistSplit(images[..(3 * 784)], [3, 1, 4]), new MnistSplit(images[(3 * 784)..], [1, 5]));
    }

    [Fact]
    public void Info_prints_format_arrays_counts_and_histogram()
    {
        using var dir = new TempDirectory();
        NpzDataset.Write(dir.File("d.npz"), Tiny(), NpzKeys.Keras, compress: true);

        var run = CliRun.Of("data", "info", dir.File("d.npz"));

        Assert.Equal(0, run.ExitCode);
        Assert.Contains($"{dir.File("d.npz")}: npz", run.Out);
        Assert.Matches(@"x_train\s+│\s+uint8\s+│\s+\(3, 28, 28\)", run.Out);
        Assert.Matches(@"test\s+│\s+2\s+│\s+2\s+│\s+0 1 0 0 0 1 0 0 0 0", run.Out);
    }

    [Theory]
    [InlineData("idx")]
    [InlineData("npz")]
    [InlineData("png")]
    public void Convert_writes_a_dataset_that_reads_back_identically(string format)
    {
        using var dir = new TempDirectory();
        IdxDataset.Write(dir.File("src"), Tiny());
        string output = dir.File(format == "npz" ? "out.npz" : "out");

        var run = CliRun.Of("data", "convert", dir.File("src"), "--to", format, "--out", output);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal($"wrote 5 images to {output} ({format})\n", run.Out);
        var back = DatasetFiles.Read(output);
        Assert.Equal(Tiny().Train.Images, back.Train.Images);
        Assert.Equal(Tiny().Test.Labels, back.Test.Labels);
    }

    [Fact]
    public void Truncated_idx_exits_1_with_one_line_naming_file_and_problem()
    {
        using var dir = new TempDirectory();
        IdxDataset.Write(dir.Path, Tiny());
        string images = dir.File("train-images-idx3-ubyte");
        File.WriteAllBytes(images, File.ReadAllBytes(images)[..1000]);

        var run = CliRun.Of("data", "info", dir.Path);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal([$"error: {images}: truncated: header claims 3x28x28 = 2352 bytes of data but the file holds 984"], run.ErrorLines);
    }

    [Fact]
    public void Verbose_adds_the_stack_trace()
    {
        var run = CliRun.Of("data", "info", "/nonexistent.npz", "--verbose");
        Assert.Equal(1, run.ExitCode);
        Assert.Equal("error: /nonexistent.npz: no such file or directory", run.ErrorLines[0]);
        Assert.Contains("MnistDataException", run.Error);
    }

    [Fact]
    public void Label_out_of_range_exits_1_naming_the_labels_file()
    {
        using var dir = new TempDirectory();
        IdxDataset.Write(dir.Path, Tiny());
        IdxFile.WriteLabels(dir.File("train-labels-idx1-ubyte"), [3, 1, 200]);

        var run = CliRun.Of("data", "convert", dir.Path, "--to", "npz", "--out", dir.File("x.npz"));

        Assert.Equal(1, run.ExitCode);
        Assert.Equal([$"error: {dir.File("train-labels-idx1-ubyte")}: label 200 at index 2 is outside 0-9"], run.ErrorLines);
        Assert.False(File.Exists(dir.File("x.npz")));
    }

    [Fact]
    public void Failed_conversion_leaves_an_existing_output_untouched()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("keep.npz"), "precious");
        Directory.CreateDirectory(dir.File("empty"));

        var run = CliRun.Of("data", "convert", dir.File("empty"), "--to", "npz", "--out", dir.File("keep.npz"));

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("precious", File.ReadAllText(dir.File("keep.npz")));
    }

    [Fact]
    public void Unknown_format_is_a_usage_error()
    {
        var run = CliRun.Of("data", "convert", "--to", "csv", "--out", "x");
        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("error: ", run.ErrorLines[0]);
        Assert.Contains("csv", run.ErrorLines[0]);
    }

    [Fact]
    public void Fetch_only_from_a_directory_of_wrong_files_names_the_file_and_why()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.File("src"));
        File.WriteAllBytes(dir.File("src/train-images-idx3-ubyte"), [1, 2, 3]);

        var run = CliRun.Of("data", "fetch", "--dir", dir.File("cache"), "--from", dir.File("src"), "--only");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal($"error: {dir.File("cache/train-images-idx3-ubyte")}: could not fetch; tried {dir.File("src")}: train-images-idx3-ubyte is 3 bytes, expected 47040016", run.ErrorLines[^1]);
        Assert.False(File.Exists(dir.File("cache/train-images-idx3-ubyte")));
    }

    [Fact]
    public void Fetch_only_needs_from()
    {
        var run = CliRun.Of("data", "fetch", "--only");
        Assert.Equal(2, run.ExitCode);
        Assert.Equal(["error: --only needs --from"], run.ErrorLines);
    }
}
