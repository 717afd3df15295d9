namespace Mnist;

/// <summary>A pooling layer (<c>maxpool2d</c> or <c>avgpool2d</c>): no parameters, its window over each channel.</summary>
public sealed class Pool2DLayer(string name, string kind, Window2D window)
    : Layer(name, kind, new SampleShape(window.Channels, window.Height, window.Width), new SampleShape(window.Channels, window.OutputHeight, window.OutputWidth))
{
    /// <summary>Where the windows go over the input.</summary>
    public Window2D Window { get; } = window;

    /// <summary>The index in its input sample of every output's first (top-left) input, in output order: the gathered kernels' table.</summary>
    internal int[] WindowStarts { get; } = Starts(window);

    internal static int[] Starts(Window2D w)
    {
        var starts = new int[(long)w.Channels * w.Positions];
        int o = 0;
        for (int c = 0; c < w.Channels; c++)
            for (int oh = 0; oh < w.OutputHeight; oh++)
                for (int ow = 0; ow < w.OutputWidth; ow++) starts[o++] = (c * w.Height + oh * w.Stride) * w.Width + ow * w.Stride;
        return starts;
    }

    /// <summary>True for max pooling, false for average pooling.</summary>
    public bool IsMax => Kind == "maxpool2d";

    /// <inheritdoc />
    public override IReadOnlyList<Tensor> Parameters => [];
}
