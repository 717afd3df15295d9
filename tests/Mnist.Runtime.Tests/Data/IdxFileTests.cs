using System.Buffers.Binary;
using System.IO.Compression;
using Mnist.Data;
using Mnist.Data.Idx;

namespace Mnist.Runtime.Tests.Data;

public class IdxFileTests
{
    [Fact]
    public void Raw_and_gzip_files_read_the_same_images()
    {
        using var dir = new TempDirectory();
        var pixels = SyntheticMnist.Images(3);
        IdxFile.WriteImages(dir.File("a"), 3, 28, 28, pixels);
        IdxFile.WriteImages(dir.File("a.gz"), 3, 28, 28, pixels);

        Assert.True(IdxFile.IsGzip(dir.File("a.gz")));
        Assert.False(IdxFile.IsGzip(dir.File("a")));
        foreach (string name in new[] { "a", "a.gz" })
        {
            var (count, rows, columns, read) = IdxFile.ReadImages(dir.File(name));
            Assert.Equal((3, 28, 28), (count, rows, columns));
            Assert.Equal(pixels, read);
        }
    }

    [Fact]
    public void Written_header_is_big_endian_with_the_unsigned_byte_magic()
    {
        using var dir = new TempDirectory();
        IdxFile.WriteLabels(dir.File("l"), [7, 2]);
        Assert.Equal(new byte[] { 0, 0, 8, 1, 0, 0, 0, 2, 7, 2 }, File.ReadAllBytes(dir.File("l")));
    }

    [Fact]
    public void Reading_truncated_idx_names_file_and_expected_length()
    {
        using var dir = new TempDirectory();
        IdxFile.WriteImages(dir.File("imgs"), 3, 28, 28, SyntheticMnist.Images(3));
        var bytes = File.ReadAllBytes(dir.File("imgs"));
        File.WriteAllBytes(dir.File("imgs"), bytes[..^100]);

        var e = Assert.Throws<MnistDataException>(() => IdxFile.ReadImages(dir.File("imgs")));
        Assert.Equal(dir.File("imgs"), e.FilePath);
        Assert.Equal("truncated: header claims 3x28x28 = 2352 bytes of data but the file holds 2252", e.Problem);
    }

    [Fact]
    public void Gzip_whose_header_claims_more_than_it_unpacks_to_is_refused_without_allocating_the_claim()
    {
        using var dir = new TempDirectory();
        var header = new byte[16];
        BinaryPrimitives.WriteInt32BigEndian(header, 0x803);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), 1_000_000);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(8), 28);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(12), 28);
        using (var gz = new GZipStream(File.Create(dir.File("big.gz")), CompressionLevel.Fastest))
            gz.Write(header.Concat(new byte[784]).ToArray());

        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<MnistDataException>(() => IdxFile.ReadImages(dir.File("big.gz")));
        Assert.Equal("truncated: header claims 1000000x28x28 = 784000000 bytes of data but the gzip stream unpacks to 784", e.Problem);
        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, 4 << 20);
    }

    [Fact]
    public void Wrong_magic_is_refused_with_the_magic_it_found()
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.File("x"), [0x50, 0x4B, 3, 4, 0, 0, 0, 0]);
        var e = Assert.Throws<MnistDataException>(() => IdxFile.ReadLabels(dir.File("x")));
        Assert.Equal("not an IDX file (magic 0x504B0304)", e.Problem);
    }

    [Fact]
    public void Labels_file_given_as_images_names_the_dimension_mismatch()
    {
        using var dir = new TempDirectory();
        IdxFile.WriteLabels(dir.File("l"), [1, 2, 3]);
        var e = Assert.Throws<MnistDataException>(() => IdxFile.ReadImages(dir.File("l")));
        Assert.Equal("IDX file has 1 dimensions; images need 3 (magic 0x00000801, expected 0x00000803)", e.Problem);
    }

    [Fact]
    public void Bytes_after_the_declared_data_are_refused()
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.File("l"), [0, 0, 8, 1, 0, 0, 0, 2, 7, 2, 9]);
        var e = Assert.Throws<MnistDataException>(() => IdxFile.ReadLabels(dir.File("l")));
        Assert.Equal("1 unexpected bytes after the 2 the header declares", e.Problem);
    }

    [Fact]
    public void Missing_file_is_named()
    {
        var e = Assert.Throws<MnistDataException>(() => IdxFile.ReadLabels("/nonexistent/labels"));
        Assert.Equal("/nonexistent/labels: file not found", e.Message);
    }
}
