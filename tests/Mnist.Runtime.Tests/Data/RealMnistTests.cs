using Mnist.Data;

namespace Mnist.Runtime.Tests.Data;

/// <summary>Facts about the real MNIST and a lossless trip through every format.</summary>
public class RealMnistTests
{
    [SkippableFact]
    public void Test_set_label_histogram_is_the_published_one()
    {
        var mnist = RealMnist.Dataset();
        Assert.Equal(60_000, mnist.Train.Count);
        Assert.Equal(10_000, mnist.Test.Count);
        Assert.Equal([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009], mnist.Test.LabelHistogram());
    }

    [SkippableFact]
    public void First_ten_training_labels_are_5_0_4_1_9_2_1_3_1_4()
    {
        Assert.Equal(new byte[] { 5, 0, 4, 1, 9, 2, 1, 3, 1, 4 }, RealMnist.Dataset().Train.Labels[..10]);
    }

    [SkippableFact]
    public void Idx_to_npz_to_png_to_npz_to_idx_gives_byte_identical_files()
    {
        var mnist = RealMnist.Dataset();
        using var dir = new TempDirectory();
        IdxDataset.Write(dir.File("idx0"), mnist);
        DatasetFiles.Write(dir.File("a.npz"), DatasetFiles.Read(dir.File("idx0")), DatasetFormat.Npz);
        DatasetFiles.Write(dir.File("png"), DatasetFiles.Read(dir.File("a.npz")), DatasetFormat.Png);
        DatasetFiles.Write(dir.File("b.npz"), DatasetFiles.Read(dir.File("png")), DatasetFormat.Npz, NpzKeys.Keras, compress: true);
        DatasetFiles.Write(dir.File("idx1"), DatasetFiles.Read(dir.File("b.npz")), DatasetFormat.Idx);

        foreach (var file in MnistFiles.All)
            Assert.Equal(File.ReadAllBytes(Path.Combine(RealMnist.Directory, file.Name)), File.ReadAllBytes(Path.Combine(dir.File("idx1"), file.Name)));
    }
}
