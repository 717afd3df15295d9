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

    /// <summary>A strided first convolution (the patch-matrix path on the batch), odd sizes, three input channels, padding, overlapping max pooling.</summary>
    public const string StridedConv = """
        using Mnist;
        namespace Consumer;

        [Network(Channels = 3, Height = 9, Width = 8)]
        [Conv2D(4, 3, Activation.ReLU, Stride = 2, Name = "conv1")]
        [Conv2D(5, 2, Activation.Tanh, Padding = 1, Name = "conv2")]
        [MaxPool2D(3, Stride = 2, Name = "pool")]
        [Flatten]
        [Dense(4, Name = "out")]
        public partial class StridedConv;
        """;

    /// <summary>Pooling first, a 5×5 kernel with padding 2, a strided padded convolution, dropout of one half.</summary>
    public const string PooledConv = """
        using Mnist;
        namespace Consumer;

        [Network(Channels = 1, Height = 12, Width = 12)]
        [AvgPool2D(2, Name = "pool")]
        [Conv2D(3, 5, Activation.Sigmoid, Padding = 2, Name = "conv1")]
        [Conv2D(2, 3, Activation.ReLU, Stride = 2, Padding = 1, Name = "conv2")]
        [Flatten(Name = "flat")]
        [Dropout(0.5, Name = "drop")]
        [Dense(3, Name = "out")]
        public partial class PooledConv;
        """;

    /// <summary>
    /// A ReLU convolution into overlapping max windows (3×3, stride 1: a position can be the maximum of several windows):
    /// the pooling applies the ReLU's derivative to its own delta, which must equal applying it to the convolution's.
    /// </summary>
    public const string OverlapConv = """
        using Mnist;
        namespace Consumer;

        [Network(Channels = 2, Height = 6, Width = 6)]
        [Conv2D(3, 3, Activation.ReLU, Padding = 1, Name = "conv1")]
        [MaxPool2D(3, Stride = 1, Name = "pool1")]
        [Conv2D(2, 2, Activation.ReLU, Name = "conv2")]
        [MaxPool2D(2, Name = "pool2")]
        [Flatten(Name = "flat")]
        [Dense(3, Name = "out")]
        public partial class OverlapConv;
        """;

    public static TheoryData<string, string> Baselines => new()
    {
        { "ConvNet", ConvNet },
        { "SeedNet", Seed },
        { "DeepNet", Deep },
        { "SoftmaxRegression", Linear },
    };
}
