using Mnist.Data;
using Mnist.Data.Npy;

namespace Mnist.Runtime.Tests.Data;

/// <summary>Archives that lie: numpy refuses them, and so must we — with the member named, before any large allocation.</summary>
public class NpzIntegrityTests
{
    private static byte[] Npy(NpyArray array)
    {
        var stream = new MemoryStream();
        NpyFormat.Write(stream, array);
        return stream.ToArray();
    }

    private static byte[] Labels(int count) => Npy(NpyArray.FromBytes([count], new byte[count]));

    private static byte[] Images(int count) => Npy(NpyArray.FromBytes([count, 28, 28], SyntheticMnist.Images(count)));

    private static string Write(TempDirectory dir, ZipBuilder zip)
    {
        File.WriteAllBytes(dir.File("d.npz"), zip.Build());
        return dir.File("d.npz");
    }

    [Fact]
    public void A_changed_byte_in_a_stored_member_fails_its_crc()
    {
        using var dir = new TempDirectory();
        var images = Images(2);
        var changed = (byte[])images.Clone();
        changed[^10] ^= 0x40;
        string path = Write(dir, new ZipBuilder()
            .AddRaw("train_x.npy", changed, ZipBuilder.Crc(images), images.Length, deflate: false)
            .Add("train_y.npy", Labels(2)).Add("test_x.npy", Images(1)).Add("test_y.npy", Labels(1)));

        var e = Assert.Throws<MnistDataException>(() => NpzDataset.Read(path));
        Assert.Equal($"{path}[train_x.npy]", e.FilePath);
        Assert.StartsWith("CRC-32 mismatch", e.Problem);
    }

    [Fact]
    public void Bit_rot_in_a_deflated_member_is_refused()
    {
        using var dir = new TempDirectory();
        var images = Images(3);
        var deflated = ZipBuilder.Deflate(images);
        deflated[deflated.Length / 2] ^= 0x01;
        string path = Write(dir, new ZipBuilder()
            .AddRaw("train_x.npy", deflated, ZipBuilder.Crc(images), images.Length, deflate: true)
            .Add("train_y.npy", Labels(3)).Add("test_x.npy", Images(1)).Add("test_y.npy", Labels(1)));

        var e = Assert.Throws<MnistDataException>(() => NpzDataset.Read(path));
        Assert.Equal($"{path}[train_x.npy]", e.FilePath);
        Assert.Matches("CRC-32 mismatch|deflate data is damaged|inflates", e.Problem);
    }

    [Fact]
    public void A_deflate_stream_that_inflates_past_its_declared_size_is_refused()
    {
        using var dir = new TempDirectory();
        // the labels member declares 2 labels but its deflate stream holds 3 (and a header saying 2)
        var two = Labels(2);
        var longer = two.Concat(new byte[] { 7 }).ToArray();
        string path = Write(dir, new ZipBuilder()
            .Add("train_x.npy", Images(2))
            .AddRaw("train_y.npy", ZipBuilder.Deflate(longer), ZipBuilder.Crc(two), two.Length, deflate: true)
            .Add("test_x.npy", Images(1)).Add("test_y.npy", Labels(1)));

        var e = Assert.Throws<MnistDataException>(() => NpzDataset.Read(path));
        Assert.Equal($"{path}[train_y.npy]", e.FilePath);
        Assert.Equal($"the member inflates to more than the {two.Length} bytes its header declares", e.Problem);
    }

    [Fact]
    public void A_deflate_stream_that_inflates_short_of_its_declared_size_is_refused()
    {
        using var dir = new TempDirectory();
        var images = Images(2);
        string path = Write(dir, new ZipBuilder()
            .AddRaw("train_x.npy", ZipBuilder.Deflate(images[..^5]), ZipBuilder.Crc(images), images.Length, deflate: true)
            .Add("train_y.npy", Labels(2)).Add("test_x.npy", Images(1)).Add("test_y.npy", Labels(1)));

        var e = Assert.Throws<MnistDataException>(() => NpzDataset.Read(path));
        Assert.Equal($"{path}[train_x.npy]", e.FilePath);
        Assert.StartsWith("truncated", e.Problem);
    }

    [Fact]
    public void A_member_corrupt_at_its_start_is_a_clear_error_even_when_only_headers_are_read()
    {
        using var dir = new TempDirectory();
        var garbage = Enumerable.Repeat((byte)0xFF, 64).ToArray(); // not a deflate stream at all
        string path = Write(dir, new ZipBuilder().AddRaw("train_x.npy", garbage, 0, 1000, deflate: true));

        var e = Assert.Throws<MnistDataException>(() => NpzArchive.ReadHeaders(path));
        Assert.Equal($"{path}[train_x.npy]", e.FilePath);
        Assert.Equal("corrupt zip member: its deflate data is damaged", e.Problem);
    }

    [Fact]
    public void An_encrypted_member_is_refused_by_name()
    {
        using var dir = new TempDirectory();
        var labels = Labels(2);
        string path = Write(dir, new ZipBuilder().AddRaw("train_y.npy", labels, ZipBuilder.Crc(labels), labels.Length, deflate: false, flags: 1));

        var e = Assert.Throws<MnistDataException>(() => NpzArchive.ReadHeaders(path));
        Assert.Equal($"{path}[train_y.npy]", e.FilePath);
        Assert.Equal("the member is encrypted; numpy archives never are", e.Problem);
    }

    [Fact]
    public void A_member_name_that_appears_twice_is_refused()
    {
        using var dir = new TempDirectory();
        string path = Write(dir, new ZipBuilder().Add("train_y.npy", Labels(2)).Add("train_y.npy", Labels(3)));
        var e = Assert.Throws<MnistDataException>(() => NpzArchive.Read(path));
        Assert.Equal("appears twice in the archive", e.Problem);
    }

    [Fact]
    public void Image_and_label_counts_that_disagree_are_refused_from_the_headers_before_inflating()
    {
        using var dir = new TempDirectory();
        // a few KB that claim 2,000,000 images (1.5 GB): the deflate stream holds the header only
        const int count = 2_000_000;
        var header = NpyHeader.Format(NpyDType.UInt8, [count, 28, 28]);
        long declared = header.Length + (long)count * 784;
        string path = Write(dir, new ZipBuilder()
            .AddRaw("train_x.npy", ZipBuilder.Deflate(header), 0, declared, deflate: true)
            .Add("train_y.npy", Labels(60_000)).Add("test_x.npy", Images(1)).Add("test_y.npy", Labels(1)));
        Assert.InRange(new FileInfo(path).Length, 0, 100_000);

        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<MnistDataException>(() => NpzDataset.Read(path));
        Assert.Equal($"{path}[train_x]: 2000000 images but 60000 labels in {path}[train_y]", e.Message);
        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, 16 << 20);
    }

    [Fact]
    public void A_header_whose_shape_disagrees_with_the_declared_member_size_is_refused_from_headers()
    {
        using var dir = new TempDirectory();
        var labels = Labels(5);
        var shorter = labels[..^2];
        string path = Write(dir, new ZipBuilder().AddRaw("train_y.npy", shorter, ZipBuilder.Crc(shorter), shorter.Length, deflate: false));
        var e = Assert.Throws<MnistDataException>(() => NpzArchive.ReadHeaders(path));
        Assert.StartsWith("shape (5,) of |u1 needs 5 bytes but 3 follow the header", e.Problem);
    }

    [Fact]
    public void Npz_members_with_honest_crcs_still_read()
    {
        using var dir = new TempDirectory();
        string path = Write(dir, new ZipBuilder()
            .Add("train_x.npy", Images(3), deflate: true).Add("train_y.npy", Npy(NpyArray.FromBytes([3], [3, 1, 4])))
            .Add("test_x.npy", Images(2)).Add("test_y.npy", Npy(NpyArray.FromBytes([2], [1, 5])), deflate: true));
        var expected = SyntheticMnist.Dataset();
        var read = NpzDataset.Read(path);
        Assert.Equal(expected.Train.Labels, read.Train.Labels);
        Assert.Equal(SyntheticMnist.Images(3), read.Train.Images);
        Assert.Equal(expected.Test.Labels, read.Test.Labels);
    }
}
