namespace Mnist.Data;

/// <summary>The key names an <c>.npz</c> dataset uses for its four arrays.</summary>
public sealed record NpzKeys(string TrainImages, string TrainLabels, string TestImages, string TestLabels)
{
    /// <summary>The original PyTorch program's keys: <c>train_x train_y test_x test_y</c>.</summary>
    public static NpzKeys Seed { get; } = new("train_x", "train_y", "test_x", "test_y");

    /// <summary>Keras' <c>mnist.npz</c> keys: <c>x_train y_train x_test y_test</c>.</summary>
    public static NpzKeys Keras { get; } = new("x_train", "y_train", "x_test", "y_test");

    /// <summary>Every key set we recognise, in the order we look for them.</summary>
    public static IReadOnlyList<NpzKeys> All { get; } = [Seed, Keras];

    /// <summary>The four keys in order.</summary>
    public IEnumerable<string> Names => [TrainImages, TrainLabels, TestImages, TestLabels];

    /// <summary>Looks a key set up by name (<c>seed</c> or <c>keras</c>).</summary>
    public static NpzKeys? FromName(string name) => name.ToLowerInvariant() switch
    {
        "seed" => Seed,
        "keras" => Keras,
        _ => null,
    };
}
