using System.Globalization;
using Mnist.Data.Npy;
using Mnist.IO;

namespace Mnist.Training;

/// <summary>
/// A network's parameters as a PyTorch-style state dict in an <c>.npz</c>: every parameter tensor
/// under its name (<c>linear.weight</c> [out, in], <c>conv1.weight</c> [out, in, kh, kw], <c>NAME.bias</c>),
/// float32 in C order, so that <c>model.load_state_dict({k: torch.from_numpy(v) for k, v in np.load(path).items()})</c>
/// loads it into the equivalent <c>nn.Sequential</c>. The architecture, step and seed ride in the zip
/// comment, invisible to numpy.
/// </summary>
public static class Checkpoint
{
    private const string CommentPrefix = "mnist-checkpoint ";

    /// <summary>The state-dict keys of <paramref name="network"/> with their shapes.</summary>
    public static IEnumerable<(string Key, int[] Shape)> Keys(INetwork network) =>
        network.Parameters.Select(p => (p.Name, p.Shape.ToArray()));

    /// <summary>Writes the checkpoint atomically.</summary>
    public static void Save(string path, INetwork network, CheckpointInfo info) =>
        NpzArchive.Write(path, Arrays(network.Parameters), compress: false,
            comment: string.Create(CultureInfo.InvariantCulture, $"{CommentPrefix}architecture={info.Architecture} step={info.Step} seed={info.Seed}"));

    /// <summary>Tensors as float32 npy arrays in PyTorch's order, under their names.</summary>
    public static List<KeyValuePair<string, NpyArray>> Arrays(IEnumerable<Tensor> tensors)
    {
        var arrays = new List<KeyValuePair<string, NpyArray>>();
        foreach (var tensor in tensors)
        {
            var values = new float[tensor.Length];
            tensor.CopyTo(values);
            arrays.Add(new(tensor.Name, NpyArray.FromSingles(tensor.Shape.ToArray(), values)));
        }
        return arrays;
    }

    /// <summary>
    /// Loads the parameters into <paramref name="network"/>. Every key and shape must match the
    /// network exactly — checked from the members' headers before any data is read, so an
    /// unexpected member is never inflated — and every value must be finite; the error lists what
    /// is missing, unexpected or misshapen, or names the first non-finite value.
    /// </summary>
    public static CheckpointInfo? Load(string path, INetwork network)
    {
        var values = ReadTensors(path, Keys(network).ToList(), $"does not fit {network.Architecture}");
        foreach (var parameter in network.Parameters) parameter.CopyFrom(values[parameter.Name]);
        return ReadInfo(path);
    }

    /// <summary>
    /// The float values (C order) of exactly the tensors <paramref name="expected"/> from the .npz at
    /// <paramref name="path"/>: keys and shapes checked from the headers first (<paramref name="mismatch"/>
    /// heads the error), then the data read, and every value checked finite.
    /// </summary>
    public static Dictionary<string, float[]> ReadTensors(string path, IReadOnlyList<(string Key, int[] Shape)> expected, string mismatch)
    {
        var headers = NpzArchive.ReadHeaders(path).ToDictionary(h => h.Key, h => h.Header, StringComparer.Ordinal);
        var problems = new List<string>();
        var wanted = expected.ToDictionary(k => k.Key, k => k.Shape, StringComparer.Ordinal);
        foreach (var (key, shape) in expected)
        {
            if (!headers.TryGetValue(key, out var header)) problems.Add($"missing {key} {NpyArray.FormatShape(shape)}");
            else if (!header.Shape.SequenceEqual(shape))
                problems.Add($"{key} is {NpyArray.FormatShape(header.Shape)}, expected {NpyArray.FormatShape(shape)}");
        }
        foreach (string key in headers.Keys.Where(k => !wanted.ContainsKey(k)).Order(StringComparer.Ordinal))
            problems.Add($"unexpected {key}");
        if (problems.Count > 0)
            throw new MnistDataException(path, $"{mismatch} ({string.Join("; ", problems)})");

        var arrays = NpzArchive.Read(path, wanted.ContainsKey);
        var values = wanted.Keys.ToDictionary(k => k, k => arrays[k].ToSingles(), StringComparer.Ordinal);
        foreach (var (key, shape) in expected) RequireFinite(path, key, shape, values[key]);
        return values;
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

    /// <summary>The run information in the checkpoint's comment, or null for an .npz written elsewhere.</summary>
    public static CheckpointInfo? ReadInfo(string path)
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
