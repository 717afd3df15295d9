using Mnist.IO;

namespace Mnist.Runtime.Tests.IO;

public class AtomicFileTests
{
    [SkippableFact]
    public void A_full_disk_keeps_the_old_file_whole_and_the_error_names_the_users_file()
    {
        using var disk = SmallDisk.Mount(kilobytes: 256);
        AtomicFile.WriteAllText(disk.File("model.npz"), "the old checkpoint");
        disk.Fill();

        var e = Assert.Throws<MnistDataException>(() => AtomicFile.WriteAllBytes(disk.File("model.npz"), new byte[1 << 20]));

        Assert.Equal($"{disk.File("model.npz")}: no space left on device", e.Message);
        Assert.Equal("the old checkpoint", File.ReadAllText(disk.File("model.npz")));
        Assert.Equal(["filler", "model.npz"], Directory.GetFiles(disk.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_directory_where_the_file_should_go_is_named_as_such()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.File("model.npz"));
        var e = Assert.Throws<MnistDataException>(() => AtomicFile.WriteAllText(dir.File("model.npz"), "x"));
        Assert.Equal($"{dir.File("model.npz")}: is a directory", e.Message);
    }

    [Theory]
    [InlineData(28, "no space left on device")]
    [InlineData(13, "permission denied")]
    [InlineData(30, "read-only file system")]
    [InlineData(122, "disk quota exceeded")]
    public void Errno_values_read_in_the_users_terms(int errno, string problem)
    {
        var e = FileErrors.Describe("/x/X.npz", new IOException("No space left on device : '/x/.X.npz.123-1.tmp'", errno));
        Assert.Equal($"/x/X.npz: {problem}", e.Message);
    }

    [Fact]
    public void Limited_reads_refuse_a_directory_by_name()
    {
        using var dir = new TempDirectory();
        var e = Assert.Throws<MnistDataException>(() => LimitedFile.ReadAllBytes(dir.Path, 100));
        Assert.Equal($"{dir.Path}: is a directory", e.Message);
    }
}
