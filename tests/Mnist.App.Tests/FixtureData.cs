using Mnist.Data;

namespace Mnist.App.Tests;

/// <summary>The learnable fixture dataset written as IDX files, for the CLI to read.</summary>
public static class FixtureData
{
    public static MnistSplit Split(int count, int seed) => LearnableData.Split(count, seed);

    /// <summary>Writes 300 training and 100 test images into <paramref name="directory"/>; returns it.</summary>
    public static string Write(string directory)
    {
        IdxDataset.Write(directory, LearnableData.Dataset());
        return directory;
    }

    /// <summary>Test image <paramref name="index"/> of the fixture as a 28×28 grayscale PNG.</summary>
    public static byte[] TestDigitPng(string directory, int index) =>
        Mnist.Imaging.GrayPng.Encode(IdxDataset.Read(directory).Test.Image(index), 28, 28);
}
