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

    /// <summary>The classic MNIST convnet (Keras' example, ../shared/anchors/cnn-pytorch) with PyTorch's layer names.</summary>
    public const string ConvNet = """
        using Mnist;
        namespace Consumer;

        [Network(Channels = 1, Height = 28, Width = 28)]
        [Conv2D(32, 3, Activation.ReLU, Name = "conv1")]
        [MaxPool2D(2, Name = "pool1")]
        [Conv2D(64, 3, Activation.ReLU, Name = "conv2")]
        [MaxPool2D(2, Name = "pool2")]
        [Flatten]
        [Dropout(0.5)]
        [Dense(10, Name = "fc")]
        public partial class ConvNet;
        """;

    /// <summary>Every spatial kind and option, small enough for finite differences: padding, stride, max and average pooling, dropout, tanh.</summary>
    public const string SmallConv = """
        using Mnist;
        namespace Consumer;

        [Network(Channels = 2, Height = 7, Width = 7)]
        [Conv2D(3, 3, Activation.ReLU, Padding = 1, Name = "conv1")]
        [MaxPool2D(2, Name = "pool1")]
        [Conv2D(4, 2, Activation.Tanh, Name = "conv2")]
        [AvgPool2D(2, Stride = 1, Name = "pool2")]
        [Conv2D(5, 1, Stride = 1, Name = "conv3")]
        [Flatten]
        [Dropout(0.25)]
        [Dense(6, Activation.Sigmoid, Name = "hidden")]
        [Dense(3, Name = "out")]
        public partial class SmallConv;
        """;

    public static TheoryData<string, string> Baselines => new()
    {
        { "ConvNet", ConvNet },
        { "SeedNet", Seed },
        { "DeepNet", Deep },
        { "SoftmaxRegression", Linear },
    };
}
