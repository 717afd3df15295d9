using System.Buffers.Binary;
using System.IO.Compression;
using Mnist.Data;
using Mnist.Data.Idx;

namespace Mnist.Runtime.Tests.Data;

/// <summary>IDX files, raw and gzip, that are damaged or lie about their size.</summary>
public class IdxIntegrityTests
{
    private static byte[] Idx(int[] dims, byte[] data)
    {
        var stream = new MemoryStream();
        if (dims.Length == 1) IdxFile.WriteLabels(stream, data, gzip: false);
        else IdxFile.WriteImages(stream, dims[0], dims[1], dims[2], data, gzip: false);
        return stream.ToArray();
    }

    private static byte[] Gzip(byte[] content)
    {
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true)) gzip.Write(content);
        return output.ToArray();
    }

    private static byte[] Header(params int[] dims)
    {
        var header = new byte[4 + 4 * dims.Length];
        header[2] = 8;
        header[3] = (byte)dims.Length;
        for (int i = 0; i < dims.Length; i++) BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4 + 4 * i), dims[i]);
        return header;
    }

    [Fact]
    public void A_gzip_crc_mismatch_in_the_trailer_is_reported_as_such()
    {
        using var dir = new TempDirectory();
        var gz = Gzip(Idx([3, 28, 28], SyntheticMnist.Images(3)));
        gz[^6] ^= 0x10; // a byte of the CRC-32 in the trailer
        File.WriteAllBytes(dir.File("i.gz"), gz);

        var e = Assert.Throws<MnistDataException>(() => IdxFile.ReadImages(dir.File("i.gz")));
        Assert.Equal(dir.File("i.gz"), e.FilePath);
        Assert.Equal("corrupt gzip data: the CRC-32 or length in the gzip trailer does not match the data", e.Problem);
    }

    [Fact]
    public void A_gzip_isize_mismatch_is_refused()
    {
        using var dir = new TempDirectory();
        var gz = Gzip(Idx([2], [1, 2]));
        gz[^1] ^= 0x01; // the top byte of ISIZE
        File.WriteAllBytes(dir.File("l.gz"), gz);
        var e = Assert.Throws<MnistDataException>(() => IdxFile.ReadLabels(dir.File("l.gz")));
        Assert.StartsWith("corrupt gzip data", e.Problem);
    }

    [Fact]
    public void A_gzip_stream_longer_than_its_header_declares_is_refused()
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.File("l.gz"), Gzip(Header(2).Concat(new byte[] { 1, 2, 3 }).ToArray()));
        var e = Assert.Throws<MnistDataException>(() => IdxFile.ReadLabels(dir.File("l.gz")));
        Assert.Equal("the gzip stream unpacks to more than the 2 = 2 bytes of data the header declares", e.Problem);
    }

    [Fact]
    public void Concatenated_gzip_members_read_as_one_stream()
    {
        using var dir = new TempDirectory();
        // what `cat a.gz b.gz`, pigz and bgzip make: the header and first image in one member, the rest in others
        var pixels = SyntheticMnist.Images(3);
        var file = Idx([3, 28, 28], pixels);
        File.WriteAllBytes(dir.File("i.gz"), [.. Gzip(file[..800]), .. Gzip(file[800..2000]), .. Gzip(file[2000..])]);

        var (count, rows, columns, read) = IdxFile.ReadImages(dir.File("i.gz"));
        Assert.Equal((3, 28, 28), (count, rows, columns));
        Assert.Equal(pixels, read);
    }

    [Fact]
    public void A_gzip_of_two_million_32x32_images_is_refused_from_its_header_with_little_memory()
    {
        using var dir = new TempDirectory();
        IdxDataset.Write(dir.Path, SyntheticMnist.Dataset());
        // a few KB claiming 2,000,000 images of 32x32 (2 GB unpacked; only the header and a little data are really there)
        File.Delete(dir.File("train-images-idx3-ubyte"));
        File.WriteAllBytes(dir.File("train-images-idx3-ubyte.gz"), Gzip(Header(2_000_000, 32, 32).Concat(new byte[4096]).ToArray()));

        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<MnistDataException>(() => IdxDataset.Read(dir.Path));
        Assert.Equal("images are 32x32; expected 28x28", e.Problem);
        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, 4 << 20);
    }

    [Fact]
    public void Image_and_label_counts_are_compared_from_the_headers_before_reading()
    {
        using var dir = new TempDirectory();
        IdxDataset.Write(dir.Path, SyntheticMnist.Dataset());
        File.Delete(dir.File("train-images-idx3-ubyte"));
        File.WriteAllBytes(dir.File("train-images-idx3-ubyte.gz"), Gzip(Header(2_000_000, 28, 28).Concat(new byte[4096]).ToArray()));

        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<MnistDataException>(() => IdxDataset.Read(dir.Path));
        Assert.Equal($"{dir.File("train-images-idx3-ubyte.gz")}: 2000000 images but 3 labels in {dir.File("train-labels-idx1-ubyte")}", e.Message);
        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, 4 << 20);
    }

    [Fact]
    public void A_header_whose_size_product_is_exactly_two_to_the_31_is_a_clear_error()
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.File("i"), Header(1 << 21, 32, 32)); // 2^21 * 2^10 = 2^31
        var e = Assert.Throws<MnistDataException>(() => IdxFile.ReadImages(dir.File("i")));
        Assert.Equal($"header claims {1L << 31} or more bytes of data; the limit is below {1L << 31}", e.Problem);
    }
}
