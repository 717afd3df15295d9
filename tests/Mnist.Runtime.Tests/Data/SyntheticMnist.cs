using Mnist.Data;

namespace Mnist.Runtime.Tests.Data;

/// <summary>Tiny MNIST-shaped data made in code; the same pattern as Fixtures/npz/make_fixtures.py.</summary>
public static class SyntheticMnist
{
    public static byte[] Images(int count)
    {
        var pixels = new byte[count * MnistSplit.PixelsPerImage];
        for (int i = 0; i < count; i++)
            for (int r = 0; r < 28; r++)
                for (int c = 0; c < 28; c++)
                    pixels[i * 784 + r * 28 + c] = (byte)((i * 7 + r * 3 + c) % 256);
        return pixels;
    }

    /// <summary>Train: 3 images labelled 3 1 4; test: 2 images labelled 1 5 (as the numpy fixtures).</summary>
    public static MnistDataset Dataset() => new(new MnistSplit(Images(3), [3, 1, 4]), new MnistSplit(Images(2), [1, 5]));

    public static void AssertEqual(MnistDataset expected, MnistDataset actual)
    {
        Assert.Equal(expected.Train.Labels, actual.Train.Labels);
        Assert.Equal(expected.Train.Images, actual.Train.Images);
        Assert.Equal(expected.Test.Labels, actual.Test.Labels);
        Assert.Equal(expected.Test.Images, actual.Test.Images);
    }
}
