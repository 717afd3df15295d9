using Mnist.Data;
using Mnist.Data.Idx;

namespace Mnist.Runtime.Tests.Data;

public class IdxDatasetTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Dataset_round_trips_through_raw_and_gzip_idx(bool gzip)
    {
        using var dir = new TempDirectory();
        var dataset = SyntheticMnist.Dataset();
        IdxDataset.Write(dir.Path, dataset, gzip);

        Assert.Equal(gzip, File.Exists(dir.File("train-images-idx3-ubyte.gz")));
        Assert.Equal(DatasetFormat.Idx, DatasetFiles.Detect(dir.Path));
        SyntheticMnist.AssertEqual(dataset, IdxDataset.Read(dir.Path));
    }

    [Fact]
    public void Label_outside_0_to_9_names_the_labels_file_and_index()
    {
        using var dir = new TempDirectory();
        IdxDataset.Write(dir.Path, SyntheticMnist.Dataset());
        IdxFile.WriteLabels(dir.File("t10k-labels-idx1-ubyte"), [1, 12]);

        var e = Assert.Throws<MnistDataException>(() => IdxDataset.Read(dir.Path));
        Assert.Equal($"{dir.File("t10k-labels-idx1-ubyte")}: label 12 at index 1 is outside 0-9", e.Message);
    }

    [Fact]
    public void Image_and_label_counts_must_match()
    {
        using var dir = new TempDirectory();
        IdxDataset.Write(dir.Path, SyntheticMnist.Dataset());
        IdxFile.WriteLabels(dir.File("train-labels-idx1-ubyte"), [1, 2]);

        var e = Assert.Throws<MnistDataException>(() => IdxDataset.Read(dir.Path));
        Assert.Equal($"{dir.File("train-images-idx3-ubyte")}: 3 images but 2 labels in {dir.File("train-labels-idx1-ubyte")}", e.Message);
    }

    [Fact]
    public void Images_that_are_not_28_by_28_are_refused()
    {
        using var dir = new TempDirectory();
        IdxDataset.Write(dir.Path, SyntheticMnist.Dataset());
        IdxFile.WriteImages(dir.File("train-images-idx3-ubyte"), 3, 32, 32, new byte[3 * 32 * 32]);

        var e = Assert.Throws<MnistDataException>(() => IdxDataset.Read(dir.Path));
        Assert.Equal("images are 32x32; expected 28x28", e.Problem);
    }
}
