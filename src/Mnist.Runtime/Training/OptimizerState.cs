using System.Globalization;
using Mnist.Data.Npy;

namespace Mnist.Training;

/// <summary>
/// An optimizer's state in a run directory (<c>optimizer.npz</c>): its buffers as float32 arrays named
/// after the parameters (<c>linear.weight.exp_avg</c>, PyTorch's names), and in the zip comment the
/// optimizer, its step count, the <see cref="PendingLoss"/> and the matrix-product backend the run used (products
/// of another backend round differently) — what a resume needs to continue bit for bit.
/// </summary>
public static class OptimizerState
{
    private const string CommentPrefix = "mnist-optimizer ";

    /// <summary>
    /// Writes <paramref name="optimizer"/>'s state for <paramref name="network"/>'s parameters, the loss <paramref name="pending"/>
    /// for the next history row and the name of the <paramref name="backend"/> that ran the products (if known), atomically.
    /// </summary>
    public static void Save(string path, Optimizer optimizer, INetwork network, PendingLoss pending = default, string? backend = null)
    {
        if (backend is not null && (backend.Length == 0 || backend.Any(char.IsWhiteSpace)))
            throw new ArgumentException($"'{backend}' is not a backend name", nameof(backend));
        NpzArchive.Write(path, Checkpoint.Arrays(optimizer.StateOf(network.Parameters)), compress: false,
            comment: string.Create(CultureInfo.InvariantCulture,
                $"{CommentPrefix}name={optimizer.Name} steps={optimizer.Steps} loss_sum={pending.Sum:R} loss_steps={pending.Steps}{(backend is null ? "" : $" blas={backend}")}"));
    }

    /// <summary>The backend recorded by <see cref="Save"/> at <paramref name="path"/>; null when the file records none (written before it did) or is not an optimizer state.</summary>
    public static string? BackendOf(string path) =>
        Fields(NpzArchive.Comment(path)) is { } fields && fields.TryGetValue("blas", out var backend) ? backend : null;

    private static Dictionary<string, string>? Fields(string comment) =>
        comment.StartsWith(CommentPrefix, StringComparison.Ordinal)
            ? comment[CommentPrefix.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries)
                .Select(f => f.Split('=', 2)).Where(f => f.Length == 2).DistinctBy(f => f[0]).ToDictionary(f => f[0], f => f[1])
            : null;

    /// <summary>Restores the state saved at <paramref name="path"/> into <paramref name="optimizer"/> (the same kind of optimizer, for the same network); returns the loss pending for the next history row.</summary>
    public static PendingLoss Load(string path, Optimizer optimizer, INetwork network)
    {
        var fields = Fields(NpzArchive.Comment(path)) ?? throw new MnistDataException(path, "not an optimizer state written by mnist train");
        string name = fields.GetValueOrDefault("name", "?");
        if (!long.TryParse(fields.GetValueOrDefault("steps"), NumberStyles.None, CultureInfo.InvariantCulture, out long steps))
            throw new MnistDataException(path, "the optimizer state does not say how many steps it has taken");
        if (name != optimizer.Name)
            throw new MnistDataException(path, $"holds the state of {name}; this run's optimizer is {optimizer.Name} (resume with the same --optimizer)");
        // every buffer must belong to a parameter of this network, with its shape
        var shapes = network.Parameters.ToDictionary(p => p.Name, p => p.Shape.ToArray(), StringComparer.Ordinal);
        var expected = new List<(string Key, int[] Shape)>();
        foreach (var (key, header) in NpzArchive.ReadHeaders(path))
        {
            int dot = key.LastIndexOf('.');
            if (dot <= 0 || !shapes.TryGetValue(key[..dot], out var shape))
                throw new MnistDataException(path, $"{key} belongs to no parameter of {network.Architecture}");
            expected.Add((key, shape));
        }
        var values = Checkpoint.ReadTensors(path, expected, $"does not fit {network.Architecture}");
        try
        {
            optimizer.Restore(network.Parameters, values, steps);
        }
        catch (ArgumentException e)
        {
            throw new MnistDataException(path, e.Message, e);
        }
        // written since the first version of this file; a state without them continues with an empty sum
        bool hasSum = double.TryParse(fields.GetValueOrDefault("loss_sum"), NumberStyles.Float, CultureInfo.InvariantCulture, out double sum) && double.IsFinite(sum);
        bool hasSteps = int.TryParse(fields.GetValueOrDefault("loss_steps"), NumberStyles.None, CultureInfo.InvariantCulture, out int lossSteps);
        return hasSum && hasSteps ? new PendingLoss(sum, lossSteps) : default;
    }
}
