using System.IO.Compression;
using Mnist.Data.Npy;
using Mnist.Runtime.Tests.Modeling;
using Mnist.Training;

namespace Mnist.Runtime.Tests.Training;

public class CheckpointTests
{
    [Fact]
    public void Checkpoint_round_trips_every_parameter_and_the_run_info()
    {
        using var dir = new TempDirectory();
        var original = new SeedNetwork(seed: 4);
        Checkpoint.Save(dir.File("m.npz"), original, new CheckpointInfo(original.Architecture, 1234, 4));

        var loaded = new SeedNetwork(seed: 99);
        var info = Checkpoint.Load(dir.File("m.npz"), loaded);

        Assert.Equal(new CheckpointInfo("784-128(ReLU)-10", 1234, 4), info);
        foreach (var (a, b) in new[] { (original.Linear, loaded.Linear), (original.Linear2, loaded.Linear2) })
        {
            Assert.Equal(a.Weight.ToColumnMajorArray(), b.Weight.ToColumnMajorArray());
            Assert.Equal(a.Bias.ToArray(), b.Bias.ToArray());
        }
    }

    [Fact]
    public void Keys_and_layout_are_pytorch_state_dict_ones()
    {
        using var dir = new TempDirectory();
        var network = new SeedNetwork(seed: 1);
        Checkpoint.Save(dir.File("m.npz"), network, new CheckpointInfo(network.Architecture, 0, 1));

        var arrays = NpzArchive.Read(dir.File("m.npz"));
        Assert.Equal(["linear.bias", "linear.weight", "linear2.bias", "linear2.weight"], arrays.Keys.Order(StringComparer.Ordinal));
        var weight = arrays["linear.weight"];
        Assert.Equal(NpyDType.Float32, weight.Type);
        Assert.Equal([128, 784], weight.Shape);
        // row-major out x in: element (o, i) at o * 784 + i
        Assert.Equal(network.Linear.Weight[3, 500], weight.ToSingles()[3 * 784 + 500]);
        using var zip = ZipFile.OpenRead(dir.File("m.npz"));
        Assert.All(zip.Entries, e => Assert.EndsWith(".npy", e.FullName));
    }

    [Fact]
    public void Checkpoint_of_another_architecture_names_every_mismatch()
    {
        using var dir = new TempDirectory();
        var narrow = new NarrowNetwork();
        Checkpoint.Save(dir.File("narrow.npz"), narrow, new CheckpointInfo(narrow.Architecture, 0, 0));

        var e = Assert.Throws<MnistDataException>(() => Checkpoint.Load(dir.File("narrow.npz"), new SeedNetwork()));

        Assert.Equal(dir.File("narrow.npz"), e.FilePath);
        Assert.Equal("does not fit 784-128(ReLU)-10 (linear.weight is (64, 784), expected (128, 784); linear.bias is (64,), expected (128,); linear2.weight is (10, 64), expected (10, 128))", e.Problem);
    }

    [Fact]
    public void Missing_and_unexpected_keys_are_named()
    {
        using var dir = new TempDirectory();
        NpzArchive.Write(dir.File("m.npz"), [new("fc.weight", NpyArray.FromSingles([2], [1f, 2f]))], compress: false);
        var e = Assert.Throws<MnistDataException>(() => Checkpoint.Load(dir.File("m.npz"), new SeedNetwork()));
        Assert.Equal("does not fit 784-128(ReLU)-10 (missing linear.weight (128, 784); missing linear.bias (128,); missing linear2.weight (10, 128); missing linear2.bias (10,); unexpected fc.weight)", e.Problem);
    }

    [Fact]
    public void Truncated_checkpoint_is_refused_with_its_name()
    {
        using var dir = new TempDirectory();
        var network = new SeedNetwork();
        Checkpoint.Save(dir.File("m.npz"), network, new CheckpointInfo(network.Architecture, 0, 0));
        var bytes = File.ReadAllBytes(dir.File("m.npz"));
        File.WriteAllBytes(dir.File("m.npz"), bytes[..(bytes.Length / 2)]);

        var e = Assert.Throws<MnistDataException>(() => Checkpoint.Load(dir.File("m.npz"), new SeedNetwork()));
        Assert.Equal(dir.File("m.npz"), e.FilePath);
        Assert.StartsWith("not a valid .npz (zip) archive", e.Problem);
    }

    [Theory]
    [InlineData(float.NaN, "NaN")]
    [InlineData(float.PositiveInfinity, "+Inf")]
    [InlineData(float.NegativeInfinity, "-Inf")]
    public void A_checkpoint_with_a_non_finite_value_is_refused_naming_the_key_and_index(float bad, string name)
    {
        using var dir = new TempDirectory();
        var network = new SeedNetwork(seed: 2);
        network.Linear2.Weight[3, 17] = bad;
        Checkpoint.Save(dir.File("m.npz"), network, new CheckpointInfo(network.Architecture, 5, 2));

        var e = Assert.Throws<MnistDataException>(() => Checkpoint.Load(dir.File("m.npz"), new SeedNetwork()));
        Assert.Equal($"linear2.weight holds a non-finite value ({name}) at [3, 17]: the model diverged; it cannot be used", e.Problem);
    }

    [Fact]
    public void A_huge_unexpected_member_is_refused_from_its_header_without_inflating_it()
    {
        using var dir = new TempDirectory();
        var network = new SeedNetwork(seed: 2);
        Checkpoint.Save(dir.File("m.npz"), network, new CheckpointInfo(network.Architecture, 5, 2));
        // the checkpoint's members, and a few KB that declare a 1.9 GB float32 array
        var zip = new ZipBuilder();
        using (var archive = ZipFile.OpenRead(dir.File("m.npz")))
            foreach (var entry in archive.Entries)
            {
                using var stream = entry.Open();
                var bytes = new MemoryStream();
                stream.CopyTo(bytes);
                zip.Add(entry.FullName, bytes.ToArray());
            }
        var header = NpyHeader.Format(NpyDType.Float32, [475_000_000]);
        zip.AddRaw("extra.npy", ZipBuilder.Deflate(header), 0, header.Length + 1_900_000_000L, deflate: true);
        File.WriteAllBytes(dir.File("bomb.npz"), zip.Build());

        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<MnistDataException>(() => Checkpoint.Load(dir.File("bomb.npz"), new SeedNetwork()));
        Assert.Equal("does not fit 784-128(ReLU)-10 (unexpected extra)", e.Problem);
        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, 16 << 20);
    }
}
