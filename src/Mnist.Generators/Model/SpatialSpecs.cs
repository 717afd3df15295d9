namespace Mnist.Generators.Model
{
    /// <summary>A 2-D convolution: <c>activation(W ⊛ x + b)</c>, <see cref="Filters"/> output channels, a square kernel.</summary>
    internal sealed record Conv2DSpec(string Name, string PropertyName, ShapeSpec Input, ShapeSpec Output, int Filters, int Kernel, int Stride, int Padding, ActivationKind Activation)
        : LayerSpec(Kinds.Conv2DKind.KindName, Name, PropertyName, Input, Output)
    {
        public override long ParameterCount => (long)System.Math.Max(Filters, 0) * Input.Channels * Kernel * Kernel + System.Math.Max(Filters, 0);

        /// <summary>The runtime's <c>Window2D</c> of the kernel over the input.</summary>
        public string Window => SpatialText.Window(Input, Kernel, Stride, Padding);
    }

    /// <summary>Max or average pooling over square windows of each channel.</summary>
    internal sealed record PoolSpec(string Kind, string Name, string PropertyName, ShapeSpec Input, ShapeSpec Output, int Size, int Stride)
        : LayerSpec(Kind, Name, PropertyName, Input, Output)
    {
        public override long ParameterCount => 0;

        /// <summary>The runtime's <c>Window2D</c> of a window over the input.</summary>
        public string Window => SpatialText.Window(Input, Size, Stride, 0);
    }

    /// <summary>A change of view from channels × height × width to features (NCHW order).</summary>
    internal sealed record FlattenSpec(string Name, string PropertyName, ShapeSpec Input)
        : LayerSpec(Kinds.FlattenKind.KindName, Name, PropertyName, Input, ShapeSpec.Flat((int)System.Math.Min(int.MaxValue, Input.Features)))
    {
        public override long ParameterCount => 0;
    }

    /// <summary>Inverted dropout of <see cref="Rate"/> in training, the identity in inference.</summary>
    internal sealed record DropoutSpec(string Name, string PropertyName, ShapeSpec Input, double Rate)
        : LayerSpec(Kinds.DropoutKind.KindName, Name, PropertyName, Input, Input)
    {
        public override long ParameterCount => 0;
    }

    internal static class SpatialText
    {
        public static string Window(ShapeSpec input, int size, int stride, int padding) =>
            string.Format(System.Globalization.CultureInfo.InvariantCulture, "new global::Mnist.Window2D({0}, {1}, {2}, {3}, {4}, {5})", input.Channels, input.Height, input.Width, size, stride, padding);
    }
}
