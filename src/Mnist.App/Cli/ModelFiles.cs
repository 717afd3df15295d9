using Mnist.App.Model;
using Mnist.Training;

namespace Mnist.App.Cli;

/// <summary>The app's network and its checkpoint files.</summary>
public static class ModelFiles
{
    /// <summary>The network the checkpoint at <paramref name="path"/> holds (an MLP or a convnet, told by its keys), with its parameters.</summary>
    public static INetwork Load(string path)
    {
        Check(path);
        var network = Architectures.ForCheckpoint(path);
        LoadInto(path, network);
        return network;
    }

    /// <summary>Puts the parameters of <paramref name="path"/> into <paramref name="network"/>.</summary>
    public static CheckpointInfo? LoadInto(string path, INetwork network)
    {
        Check(path);
        return Checkpoint.Load(path, network);
    }

    /// <summary>True for a file that eval and predict run through ONNX Runtime (an <c>.onnx</c> name).</summary>
    public static bool IsOnnx(string path) => path.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase);

    private static void Check(string path)
    {
        if (Directory.Exists(path)) throw new MnistDataException(path, "is a directory, not a model file");
        if (!File.Exists(path)) throw new MnistDataException(path, "model file not found");
    }
}
