namespace Mnist.Data;

/// <summary>
/// One half of MNIST (train or test), or of any labelled image set: images as raw bytes (each image's
/// values channel by channel, row by row; for MNIST 1×28×28, 0 = background, 255 = ink) and labels.
/// Bytes, not floats: all of MNIST is 55 MB this way.
/// </summary>
public sealed class MnistSplit
{
    /// <summary>Image side length in pixels.</summary>
    public const int Side = 28;

    /// <summary>Pixels per image.</summary>
    public const int PixelsPerImage = Side * Side;

    /// <summary>Wraps MNIST-shaped arrays (28×28 images); they must already be validated (see the readers).</summary>
    public MnistSplit(byte[] images, byte[] labels)
        : this(images, labels, new SampleShape(1, Side, Side))
    {
    }

    /// <summary>Wraps images of <paramref name="shape"/> and their labels.</summary>
    public MnistSplit(byte[] images, byte[] labels, SampleShape shape)
    {
        if (shape.Features <= 0) throw new ArgumentException($"images of shape {shape} hold no pixels", nameof(shape));
        if (images.Length != (long)labels.Length * shape.Features)
            throw new ArgumentException($"{images.Length} pixel bytes do not make {labels.Length} images of {shape}.");
        Images = images;
        Labels = labels;
        Shape = shape;
    }

    /// <summary>The shape of every image (1×28×28 for MNIST).</summary>
    public SampleShape Shape { get; }

    /// <summary>Bytes per image.</summary>
    public int ImageSize => Shape.Features;

    /// <summary>All images, one after another, <see cref="ImageSize"/> bytes each.</summary>
    public byte[] Images { get; }

    /// <summary>One label (0–9) per image.</summary>
    public byte[] Labels { get; }

    /// <summary>Number of images.</summary>
    public int Count => Labels.Length;

    /// <summary>The pixels of image <paramref name="index"/>.</summary>
    public ReadOnlySpan<byte> Image(int index) => Images.AsSpan(index * ImageSize, ImageSize);

    /// <summary>A copy of images <paramref name="first"/> .. <paramref name="first"/> + <paramref name="count"/> − 1 and their labels.</summary>
    public MnistSplit Slice(int first, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(first);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(first + (long)count, Count);
        return new MnistSplit(Images.AsSpan(first * ImageSize, count * ImageSize).ToArray(), Labels.AsSpan(first, count).ToArray(), Shape);
    }

    /// <summary>How many images carry each label 0–9.</summary>
    public int[] LabelHistogram()
    {
        var histogram = new int[Math.Max(10, Labels.Length == 0 ? 0 : Labels.Max() + 1)];
        foreach (byte label in Labels) histogram[label]++;
        return histogram;
    }
}
