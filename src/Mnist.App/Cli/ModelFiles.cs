using Mnist.App.Model;
using Mnist.Training;

namespace Mnist.App.Cli;

/// <summary>The app's network and its checkpoint files.</summary>
public static class ModelFiles
{
    /// <summary>A <see cref="DigitClassifier"/> with the parameters of <paramref name="path"/>.</summary>
    public static DigitClassifier Load(string path)
    {
        var network = new DigitClassifier();
        LoadInto(path, network);
        return network;
    }

    /// <summary>Puts the parameters of <paramref name="path"/> into <paramref name="network"/>.</summary>
    public static CheckpointInfo? LoadInto(string path, INetwork network)
    {
        if (Directory.Exists(path)) throw new MnistDataException(path, "is a directory, not a model file");
        if (!File.Exists(path)) throw new MnistDataException(path, "model file not found");
        return Checkpoint.Load(path, network);
    }
}
