namespace Mnist;

/// <summary>Max pooling over square windows of each channel, PyTorch's <c>nn.MaxPool2d</c> (no padding, windows that do not fit are dropped).</summary>
/// <param name="size">Height and width of a window.</param>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class MaxPool2DAttribute(int size) : Attribute
{
    /// <summary>Height and width of a window.</summary>
    public int Size { get; } = size;

    /// <summary>Step between two windows (default: the window's size).</summary>
    public int Stride { get; set; }

    /// <summary>The layer's name (default <c>maxpool1</c>, ...).</summary>
    public string? Name { get; set; }
}

/// <summary>Average pooling over square windows of each channel, PyTorch's <c>nn.AvgPool2d</c> (no padding).</summary>
/// <param name="size">Height and width of a window.</param>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class AvgPool2DAttribute(int size) : Attribute
{
    /// <summary>Height and width of a window.</summary>
    public int Size { get; } = size;

    /// <summary>Step between two windows (default: the window's size).</summary>
    public int Stride { get; set; }

    /// <summary>The layer's name (default <c>avgpool1</c>, ...).</summary>
    public string? Name { get; set; }
}

/// <summary>Flattens a channels × height × width sample into features in NCHW order, as <c>nn.Flatten</c>: no code, a change of view.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class FlattenAttribute : Attribute
{
    /// <summary>The layer's name (default <c>flatten1</c>, ...).</summary>
    public string? Name { get; set; }
}

/// <summary>Inverted dropout, PyTorch's <c>nn.Dropout</c>: in training each value is zeroed with probability <paramref name="rate"/> and the others scaled by 1 / (1 − rate); in inference the identity.</summary>
/// <param name="rate">Probability of zeroing a value, in [0, 1).</param>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class DropoutAttribute(double rate) : Attribute
{
    /// <summary>Probability of zeroing a value.</summary>
    public double Rate { get; } = rate;

    /// <summary>The layer's name (default <c>dropout1</c>, ...).</summary>
    public string? Name { get; set; }
}
