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

    // each architecture's parameter keys, from one network of each made once
    private static readonly Lazy<Dictionary<string, HashSet<string>>> s_keys = new(() =>
        Names.ToDictionary(n => n, n => Checkpoint.Keys(Create(n)).Select(k => k.Key).ToHashSet(StringComparer.Ordinal)));

    /// <summary>The parameter keys of architecture <paramref name="name"/> (<c>conv1.weight</c>, ...).</summary>
    public static IReadOnlySet<string> KeysOf(string name) => s_keys.Value[name];

    /// <summary>
    /// The architecture whose keys the checkpoint at <paramref name="path"/> holds (read from the headers alone), or null;
    /// <paramref name="fileKeys"/> are the file's keys.
    /// </summary>
    public static string? NameFor(string path, out IReadOnlySet<string> fileKeys)
    {
        var keys = Mnist.Data.Npy.NpzArchive.ReadHeaders(path).Select(h => h.Key).ToHashSet(StringComparer.Ordinal);
        fileKeys = keys;
        return Names.FirstOrDefault(name => KeysOf(name).IsSubsetOf(keys));
    }

    /// <summary>
    /// A network of the architecture stored in the checkpoint at <paramref name="path"/>: the one its keys fit,
    /// else the default, whose load then says what does not fit.
    /// </summary>
    public static INetwork ForCheckpoint(string path) => Create(NameFor(path, out _) ?? Names[0]);
}
