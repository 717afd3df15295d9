using Mnist.Data;

namespace Mnist.Tests.Shared;

/// <summary>
/// A small dataset a network learns in a few dozen steps: digit c is a bright bar on rows 2c+2..2c+5,
/// plus noise everywhere (dense inputs) or, when <c>sparse</c>, on 5% of the background like MNIST's zeros.
/// </summary>
public static class LearnableData
{
    public static MnistSplit Split(int count, int seed, bool sparse = false)
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
                images[i * 784 + p] = bar ? (byte)random.Next(180, 256)
                    : sparse ? (random.NextDouble() < 0.05 ? (byte)random.Next(1, 40) : (byte)0)
                    : (byte)random.Next(0, 40);
            }
        }
        return new MnistSplit(images, labels);
    }

    /// <summary>300 training and 100 test images.</summary>
    public static MnistDataset Dataset(bool sparse = false) => new(Split(300, 1, sparse), Split(100, 2, sparse));
}
