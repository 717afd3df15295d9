using System.IO.Compression;
using System.Runtime.InteropServices;
using Mnist.Data;
using Mnist.Data.Npy;

namespace Mnist.Runtime.Tests.Data;

/// <summary>Against files real numpy wrote (Fixtures/npz/make_fixtures.py).</summary>
public class NpzTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "npz", name);

    [Theory]
    [InlineData("seed_savez.npz")]
    [InlineData("keras_compressed_float.npz")]
    [InlineData("fortran_bigendian_flat.npz")]
    public void Numpy_archives_of_every_flavour_read_as_the_same_dataset(string name)
    {
        Assert.Equal(DatasetFormat.Npz, DatasetFiles.Detect(Fixture(name)));
        SyntheticMnist.AssertEqual(SyntheticMnist.Dataset(), NpzDataset.Read(Fixture(name)));
    }

    [Theory]
    [InlineData("v1.npy")]
    [InlineData("v2.npy")]
    [InlineData("v3.npy")]
    public void Npy_versions_1_2_3_in_fortran_order_read_in_c_order(string name)
    {
        using var stream = File.OpenRead(Fixture(name));
        var array = NpyFormat.Read(stream, stream.Length, name);

        Assert.Equal(NpyDType.Int32, array.Type);
        Assert.Equal([3, 28, 28], array.Shape);
        var expected = SyntheticMnist.Images(3).Select(b => (int)b).ToArray();
        Assert.Equal(expected, MemoryMarshal.Cast<byte, int>(array.Data).ToArray());
    }

    [Fact]
    public void Our_npy_members_are_byte_identical_to_what_numpy_savez_writes()
    {
        using var dir = new TempDirectory();
        NpzDataset.Write(dir.File("ours.npz"), SyntheticMnist.Dataset(), NpzKeys.Seed, compress: false);

        using var ours = ZipFile.OpenRead(dir.File("ours.npz"));
        using var numpy = ZipFile.OpenRead(Fixture("seed_savez.npz"));
        foreach (var entry in numpy.Entries)
        {
            var mine = ours.GetEntry(entry.FullName);
            Assert.NotNull(mine);
            Assert.Equal(Bytes(entry), Bytes(mine));
        }
    }

    [Fact]
    public void Compressed_write_uses_deflate_and_reads_back()
    {
        using var dir = new TempDirectory();
        NpzDataset.Write(dir.File("k.npz"), SyntheticMnist.Dataset(), NpzKeys.Keras, compress: true);
        using (var zip = ZipFile.OpenRead(dir.File("k.npz")))
            Assert.All(zip.Entries, e => Assert.True(e.CompressedLength < e.Length));
        SyntheticMnist.AssertEqual(SyntheticMnist.Dataset(), NpzDataset.Read(dir.File("k.npz")));
    }

    [Fact]
    public void Pickled_objects_are_refused()
    {
        var e = Assert.Throws<MnistDataException>(() => NpzDataset.Read(Fixture("pickled_objects.npz")));
        Assert.Equal($"{Fixture("pickled_objects.npz")}[train_x.npy]: holds pickled Python objects (dtype '|O'); refusing to load them", e.Message);
    }

    [Fact]
    public void Missing_keys_list_what_was_expected_and_found()
    {
        var e = Assert.Throws<MnistDataException>(() => NpzDataset.Read(Fixture("missing_keys.npz")));
        Assert.Equal("missing keys: expected train_x train_y test_x test_y or x_train y_train x_test y_test; found train_x train_y", e.Problem);
    }

    [Fact]
    public void Label_out_of_range_names_the_member_and_index()
    {
        var e = Assert.Throws<MnistDataException>(() => NpzDataset.Read(Fixture("label_out_of_range.npz")));
        Assert.Equal($"{Fixture("label_out_of_range.npz")}[train_y]: label 10 at index 1 is outside 0-9", e.Message);
    }

    [Fact]
    public void Declared_shape_that_does_not_match_the_bytes_is_refused()
    {
        using var dir = new TempDirectory();
        var header = NpyHeader.Format(NpyDType.UInt8, [1000, 28, 28]);
        using (var zip = ZipFile.Open(dir.File("bad.npz"), ZipArchiveMode.Create))
        using (var s = zip.CreateEntry("train_x.npy").Open())
        {
            s.Write(header);
            s.Write(new byte[784]);
        }
        var e = Assert.Throws<MnistDataException>(() => NpzArchive.Read(dir.File("bad.npz")));
        Assert.Equal($"{dir.File("bad.npz")}[train_x.npy]: shape (1000, 28, 28) of |u1 needs 784000 bytes but 784 follow the header", e.Message);
    }

    [Fact]
    public void Float_images_outside_0_to_1_are_refused()
    {
        using var dir = new TempDirectory();
        var d = SyntheticMnist.Dataset();
        NpzArchive.Write(dir.File("f.npz"),
        [
            new("train_x", NpyArray.FromSingles([3, 784], d.Train.Images.Select(b => (float)b).ToArray())),
            new("train_y", NpyArray.FromBytes([3], d.Train.Labels)),
            new("test_x", NpyArray.FromBytes([2, 28, 28], d.Test.Images)),
            new("test_y", NpyArray.FromBytes([2], d.Test.Labels)),
        ], compress: false);
        var e = Assert.Throws<MnistDataException>(() => NpzDataset.Read(dir.File("f.npz")));
        Assert.Equal("float pixel 2 at index 2 is outside [0, 1]", e.Problem);
    }

    [Fact]
    public void A_file_that_is_not_a_zip_is_named()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("x.npz"), "PK but not really a zip archive at all");
        var e = Assert.Throws<MnistDataException>(() => NpzDataset.Read(dir.File("x.npz")));
        Assert.Equal(dir.File("x.npz"), e.FilePath);
        Assert.StartsWith("not a valid .npz (zip) archive", e.Problem);
    }

    [Fact]
    public void Header_is_padded_to_64_bytes_like_numpy()
    {
        var header = NpyHeader.Format(NpyDType.Float32, [128, 784]);
        Assert.Equal(0, header.Length % 64);
        Assert.Equal((byte)'\n', header[^1]);
    }

    private static byte[] Bytes(ZipArchiveEntry entry)
    {
        using var s = entry.Open();
        using var m = new MemoryStream();
        s.CopyTo(m);
        return m.ToArray();
    }
}
