namespace Mnist;

/// <summary>A pooling layer (<c>maxpool2d</c> or <c>avgpool2d</c>): no parameters, its window over each channel.</summary>
public sealed class Pool2DLayer(string name, string kind, Window2D window)
    : Layer(name, kind, new SampleShape(window.Channels, window.Height, window.Width), new SampleShape(window.Channels, window.OutputHeight, window.OutputWidth))
{
    /// <summary>Where the windows go over the input.</summary>
    public Window2D Window { get; } = window;

    /// <summary>True for max pooling, false for average pooling.</summary>
    public bool IsMax => Kind == "maxpool2d";

    /// <inheritdoc />
    public override IReadOnlyList<Tensor> Parameters => [];
}
