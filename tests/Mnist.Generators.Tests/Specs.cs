namespace Mnist.Generators.Tests;

/// <summary>The architectures the tests compile, each a consumer's source file.</summary>
public static class Specs
{
    public const string Seed = """
        using Mnist;
        namespace Consumer;

        [Network(Inputs = 784)]
        [Dense(128, Activation.ReLU, Name = "linear")]
        [Dense(10, Name = "linear2")]
        public sealed partial class SeedNet;
        """;

    public const string Deep = """
        using Mnist;
        namespace Consumer;

        [Network(Inputs = 784)]
        [Dense(256, Activation.Tanh, Name = "encoder")]
        [Dense(64, Activation.Sigmoid, Name = "hidden")]
        [Dense(10, Name = "logits")]
        public partial class DeepNet;
        """;

    public const string Linear = """
        using Mnist;

        [Network(Inputs = 784)]
        [Dense(10)]
        internal partial class SoftmaxRegression;
        """;

    public static TheoryData<string, string> Baselines => new()
    {
        { "SeedNet", Seed },
        { "DeepNet", Deep },
        { "SoftmaxRegression", Linear },
    };
}
