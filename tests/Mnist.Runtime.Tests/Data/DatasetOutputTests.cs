using Mnist.Data;

namespace Mnist.Runtime.Tests.Data;

/// <summary>Writing a dataset never loses what a directory already held, and replaces a dataset as a whole or not at all.</summary>
public class DatasetOutputTests
{
    private static void UserFiles(string directory)
    {
        Directory.CreateDirectory(Path.Combine(directory, "photos"));
        File.WriteAllText(Path.Combine(directory, "notes.txt"), "mine");
        File.WriteAllText(Path.Combine(directory, "photos", "cat.jpg"), "meow");
    }

    private static void AssertUserFilesIntact(string directory)
    {
        Assert.Equal("mine", File.ReadAllText(Path.Combine(directory, "notes.txt")));
        Assert.Equal("meow", File.ReadAllText(Path.Combine(directory, "photos", "cat.jpg")));
    }

    [Theory]
    [InlineData(DatasetFormat.Png)]
    [InlineData(DatasetFormat.Idx)]
    public void A_directory_of_other_files_is_refused_and_left_untouched(DatasetFormat format)
    {
        using var dir = new TempDirectory();
        UserFiles(dir.Path);

        var e = Assert.Throws<MnistDataException>(() => DatasetFiles.Write(dir.Path, SyntheticMnist.Dataset(), format));

        Assert.Equal(dir.Path, e.FilePath);
        Assert.StartsWith("exists and is not", e.Problem);
        AssertUserFilesIntact(dir.Path);
        Assert.Equal(["notes.txt", "photos"], Directory.EnumerateFileSystemEntries(dir.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_file_that_is_not_an_npz_dataset_is_not_overwritten()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("thesis.npz"), "years of work");
        var e = Assert.Throws<MnistDataException>(() => DatasetFiles.Write(dir.File("thesis.npz"), SyntheticMnist.Dataset(), DatasetFormat.Npz));
        Assert.Equal("exists and is not an npz dataset: not overwriting it (choose a new file name)", e.Problem);
        Assert.Equal("years of work", File.ReadAllText(dir.File("thesis.npz")));
    }

    [Fact]
    public void Replacing_a_png_dataset_touches_only_the_files_the_format_owns()
    {
        using var dir = new TempDirectory();
        PngFolderDataset.Write(dir.Path, SyntheticMnist.Dataset());
        UserFiles(dir.Path);
        var smaller = new MnistDataset(new MnistSplit(SyntheticMnist.Images(1), [9]), new MnistSplit(SyntheticMnist.Images(1), [8]));

        PngFolderDataset.Write(dir.Path, smaller);

        AssertUserFilesIntact(dir.Path);
        SyntheticMnist.AssertEqual(smaller, PngFolderDataset.Read(dir.Path));
        Assert.Single(Directory.GetFiles(dir.File("train_x")));
        Assert.DoesNotContain(Directory.EnumerateFileSystemEntries(dir.Path), e => Path.GetFileName(e).StartsWith('.'));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Converting_idx_to_the_other_flavour_removes_the_old_flavour_in_the_same_step(bool gzip)
    {
        using var dir = new TempDirectory();
        IdxDataset.Write(dir.Path, SyntheticMnist.Dataset(), gzip: !gzip);
        UserFiles(dir.Path);
        var other = new MnistDataset(new MnistSplit(SyntheticMnist.Images(2), [5, 6]), new MnistSplit(SyntheticMnist.Images(1), [7]));

        IdxDataset.Write(dir.Path, other, gzip);

        SyntheticMnist.AssertEqual(other, IdxDataset.Read(dir.Path));
        foreach (var file in MnistFiles.All)
        {
            Assert.Equal(!gzip, File.Exists(dir.File(file.Name)));
            Assert.Equal(gzip, File.Exists(dir.File(file.Name + ".gz")));
        }
        AssertUserFilesIntact(dir.Path);
    }

    [Theory]
    [InlineData(DatasetFormat.Png)]
    [InlineData(DatasetFormat.Idx)]
    [InlineData(DatasetFormat.Npz)]
    public void A_write_that_fails_part_way_leaves_the_old_dataset_whole_and_no_temporaries(DatasetFormat format)
    {
        using var dir = new TempDirectory();
        string path = format == DatasetFormat.Npz ? dir.File("d.npz") : dir.File("d");
        DatasetFiles.Write(path, SyntheticMnist.Dataset(), format);
        // the test split cannot be written: the training split's files were already staged
        var broken = new MnistDataset(new MnistSplit(SyntheticMnist.Images(2), [5, 6]), null!);

        Assert.ThrowsAny<Exception>(() => DatasetFiles.Write(path, broken, format));

        SyntheticMnist.AssertEqual(SyntheticMnist.Dataset(), DatasetFiles.Read(path));
        Assert.DoesNotContain(Directory.EnumerateFileSystemEntries(dir.Path, "*", SearchOption.AllDirectories), e => Path.GetFileName(e).StartsWith('.'));
    }

    [Theory]
    [InlineData(DatasetFormat.Png)]
    [InlineData(DatasetFormat.Idx)]
    [InlineData(DatasetFormat.Npz)]
    public void A_cancelled_write_changes_nothing(DatasetFormat format)
    {
        using var dir = new TempDirectory();
        string path = format == DatasetFormat.Npz ? dir.File("d.npz") : dir.File("d");
        DatasetFiles.Write(path, SyntheticMnist.Dataset(), format);
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        var other = new MnistDataset(new MnistSplit(SyntheticMnist.Images(2), [5, 6]), new MnistSplit(SyntheticMnist.Images(1), [7]));

        Assert.ThrowsAny<OperationCanceledException>(() => DatasetFiles.Write(path, other, format, cancellation: cancelled.Token));

        SyntheticMnist.AssertEqual(SyntheticMnist.Dataset(), DatasetFiles.Read(path));
        Assert.DoesNotContain(Directory.EnumerateFileSystemEntries(dir.Path, "*", SearchOption.AllDirectories), e => Path.GetFileName(e).StartsWith('.'));
    }

    [SkippableTheory]
    [InlineData(DatasetFormat.Idx)]
    [InlineData(DatasetFormat.Png)]
    public void A_full_disk_mid_way_leaves_the_old_dataset_whole_and_names_the_users_file(DatasetFormat format)
    {
        using var disk = SmallDisk.Mount(kilobytes: 512);
        string path = disk.File("d");
        DatasetFiles.Write(path, SyntheticMnist.Dataset(), format);
        disk.Fill();
        var larger = new MnistDataset(new MnistSplit(SyntheticMnist.Images(400), new byte[400]), new MnistSplit(SyntheticMnist.Images(100), new byte[100]));

        var e = Assert.Throws<MnistDataException>(() => DatasetFiles.Write(path, larger, format));

        Assert.EndsWith("no space left on device", e.Message);
        Assert.DoesNotContain(".tmp", e.Message);
        Assert.StartsWith(path, e.FilePath);
        SyntheticMnist.AssertEqual(SyntheticMnist.Dataset(), DatasetFiles.Read(path));
        Assert.DoesNotContain(Directory.EnumerateFileSystemEntries(path, "*", SearchOption.AllDirectories), f => Path.GetFileName(f).StartsWith('.'));
    }
}
