using Mnist.Data;

namespace Mnist.App.Tests;

/// <summary>A small dataset the CLI tests train on: digit c is a bright bar on rows 2c..2c+3 with noise, written as IDX.</summary>
public static class FixtureData
{
    public static MnistSplit Split(int count, int seed)
    {
        var random = new Random(seed);
        var images = new byte[count * 784];
        var labels = new byte[count];
        for (int i = 0; i < count; i++)
        {
            int label = i % 10;
            labels[i] = (byte)label;
            for (int p = 0; p < 784; p++)
            {
                int row = p / 28;
                bool bar = row >= 2 * label + 2 && row < 2 * label + 6 && p % 28 is > 4 and < 24;
                images[i * 784 + p] = bar ? (byte)random.Next(180, 256) : (byte)random.Next(0, 40);
            }
        }
        return new MnistSplit(images, labels);
    }

    /// <summary>Writes 300 training and 100 test images into <paramref name="directory"/>; returns it.</summary>
    public static string Write(string directory)
    {
        IdxDataset.Write(directory, new MnistDataset(Split(300, 1), Split(100, 2)));
        return directory;
    }
}
