using System.Globalization;
using Mnist.Data.Npy;
using Mnist.IO;

namespace Mnist.Training;

/// <summary>
/// A network's parameters as a PyTorch-style state dict in an <c>.npz</c>: <c>NAME.weight</c>
/// (outputs × inputs, float32, row-major) and <c>NAME.bias</c> per layer, so that
/// <c>model.load_state_dict({k: torch.from_numpy(v) for k, v in np.load(path).items()})</c> loads it
/// into the equivalent <c>nn.Sequential</c> of <c>nn.Linear</c>s. The architecture, step and seed
/// ride in the zip comment, invisible to numpy.
/// </summary>
public static class Checkpoint
{
    private const string CommentPrefix = "mnist-checkpoint ";

    /// <summary>The state-dict keys of <paramref name="network"/> with their shapes.</summary>
    public static IEnumerable<(string Key, int[] Shape)> Keys(INetwork network) =>
        network.Layers.SelectMany(l => new[] { ($"{l.Name}.weight", new[] { l.Outputs, l.Inputs }), ($"{l.Name}.bias", new[] { l.Outputs }) });

    /// <summary>Writes the checkpoint atomically.</summary>
    public static void Save(string path, INetwork network, CheckpointInfo info)
    {
        var arrays = new List<KeyValuePair<string, NpyArray>>();
        foreach (var layer in network.Layers)
        {
            var weight = new float[layer.Outputs * layer.Inputs];
            for (int o = 0; o < layer.Outputs; o++)
                for (int i = 0; i < layer.Inputs; i++)
                    weight[o * layer.Inputs + i] = layer.Weight[o, i];
            arrays.Add(new($"{layer.Name}.weight", NpyArray.FromSingles([layer.Outputs, layer.Inputs], weight)));
            arrays.Add(new($"{layer.Name}.bias", NpyArray.FromSingles([layer.Outputs], layer.Bias.AsArray() ?? layer.Bias.ToArray())));
        }
        NpzArchive.Write(path, arrays, compress: false,
            comment: string.Create(CultureInfo.InvariantCulture, $"{CommentPrefix}architecture={info.Architecture} step={info.Step} seed={info.Seed}"));
    }

    /// <summary>
    /// Loads the parameters into <paramref name="network"/>. Every key and shape must match the
    /// network exactly — checked from the members' headers before any data is read, so an
    /// unexpected member is never inflated — and every value must be finite; the error lists what
    /// is missing, unexpected or misshapen, or names the first non-finite value.
    /// </summary>
    public static CheckpointInfo? Load(string path, INetwork network)
    {
        var headers = NpzArchive.ReadHeaders(path).ToDictionary(h => h.Key, h => h.Header, StringComparer.Ordinal);
        var problems = new List<string>();
        var expected = Keys(network).ToDictionary(k => k.Key, k => k.Shape);
        foreach (var (key, shape) in expected)
        {
            if (!headers.TryGetValue(key, out var header)) problems.Add($"missing {key} {NpyArray.FormatShape(shape)}");
            else if (!header.Shape.SequenceEqual(shape))
                problems.Add($"{key} is {NpyArray.FormatShape(header.Shape)}, expected {NpyArray.FormatShape(shape)}");
        }
        foreach (string key in headers.Keys.Where(k => !expected.ContainsKey(k)).Order(StringComparer.Ordinal))
            problems.Add($"unexpected {key}");
        if (problems.Count > 0)
            throw new MnistDataException(path, $"does not fit {network.Architecture} ({string.Join("; ", problems)})");

        var arrays = NpzArchive.Read(path, expected.ContainsKey);
        var values = expected.Keys.ToDictionary(k => k, k => arrays[k].ToSingles(), StringComparer.Ordinal);
        foreach (var (key, shape) in expected) RequireFinite(path, key, shape, values[key]);
        foreach (var layer in network.Layers)
        {
            var weight = values[$"{layer.Name}.weight"];
            for (int o = 0; o < layer.Outputs; o++)
                for (int i = 0; i < layer.Inputs; i++)
                    layer.Weight[o, i] = weight[o * layer.Inputs + i];
            var bias = values[$"{layer.Name}.bias"];
            for (int o = 0; o < layer.Outputs; o++) layer.Bias[o] = bias[o];
        }
        return ReadInfo(path);
    }

    /// <summary>Refuses a tensor with a NaN or an infinity, naming its key and the element's index.</summary>
    internal static void RequireFinite(string path, string key, int[] shape, ReadOnlySpan<float> values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (float.IsFinite(values[i])) continue;
            var index = new int[shape.Length];
            for (int d = shape.Length - 1, rest = i; d >= 0; d--)
            {
                index[d] = rest % shape[d];
                rest /= shape[d];
            }
            string what = float.IsNaN(values[i]) ? "NaN" : values[i] > 0 ? "+Inf" : "-Inf";
            throw new MnistDataException(path, $"{key} holds a non-finite value ({what}) at [{string.Join(", ", index)}]: the model diverged; it cannot be used");
        }
    }

    private static CheckpointInfo? ReadInfo(string path)
    {
        string comment = NpzArchive.Comment(path);
        if (!comment.StartsWith(CommentPrefix, StringComparison.Ordinal)) return null;
        var fields = comment[CommentPrefix.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(f => f.Split('=', 2)).Where(f => f.Length == 2).ToDictionary(f => f[0], f => f[1]);
        return new CheckpointInfo(
            fields.GetValueOrDefault("architecture", "?"),
            int.TryParse(fields.GetValueOrDefault("step"), NumberStyles.Integer, CultureInfo.InvariantCulture, out int step) ? step : 0,
            int.TryParse(fields.GetValueOrDefault("seed"), NumberStyles.Integer, CultureInfo.InvariantCulture, out int seed) ? seed : 0);
    }
}
