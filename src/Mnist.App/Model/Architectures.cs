using Mnist.Training;

namespace Mnist.App.Model;

/// <summary>The networks the app trains, by the name <c>--arch</c> gives them, and which one a checkpoint holds.</summary>
public static class Architectures
{
    /// <summary>The names, the default first.</summary>
    public static IReadOnlyList<string> Names { get; } = ["mlp", "convnet"];

    /// <summary>A new network of <paramref name="name"/>, initialised from <paramref name="seed"/>.</summary>
    public static INetwork Create(string name, int seed = 0) => name switch
    {
        "mlp" => new DigitClassifier(seed),
        "convnet" => new ConvClassifier(seed),
        _ => throw new ArgumentException($"unknown architecture '{name}' (choose {string.Join(", ", Names)})", nameof(name)),
    };

    /// <summary>The name of the architecture <paramref name="network"/> is.</summary>
    public static string NameOf(INetwork network) => network is ConvClassifier ? "convnet" : "mlp";

    /// <summary>
    /// A network of the architecture stored in the checkpoint at <paramref name="path"/>: the one its keys fit
    /// (checked from the headers alone), else the default, whose load then says what does not fit.
    /// </summary>
    public static INetwork ForCheckpoint(string path)
    {
        var keys = Mnist.Data.Npy.NpzArchive.ReadHeaders(path).Select(h => h.Key).ToHashSet(StringComparer.Ordinal);
        foreach (string name in Names)
        {
            var network = Create(name);
            if (Checkpoint.Keys(network).All(k => keys.Contains(k.Key))) return network;
        }
        return Create(Names[0]);
    }
}
