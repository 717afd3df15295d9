namespace Mnist.Data;

/// <summary>
/// One half of MNIST (train or test): images as raw bytes (row-major 28×28, 0 = background,
/// 255 = ink) and labels 0–9. Bytes, not floats: all of MNIST is 55 MB this way.
/// </summary>
public sealed class MnistSplit
{
    /// <summary>Image side length in pixels.</summary>
    public const int Side = 28;

    /// <summary>Pixels per image.</summary>
    public const int PixelsPerImage = Side * Side;

    /// <summary>Wraps the arrays; they must already be validated (see the readers).</summary>
    public MnistSplit(byte[] images, byte[] labels)
    {
        if (images.Length != labels.Length * PixelsPerImage)
            throw new ArgumentException($"{images.Length} pixel bytes do not make {labels.Length} images of {Side}x{Side}.");
        Images = images;
        Labels = labels;
    }

    /// <summary>All images, one after another, <see cref="PixelsPerImage"/> bytes each.</summary>
    public byte[] Images { get; }

    /// <summary>One label (0–9) per image.</summary>
    public byte[] Labels { get; }

    /// <summary>Number of images.</summary>
    public int Count => Labels.Length;

    /// <summary>The pixels of image <paramref name="index"/>.</summary>
    public ReadOnlySpan<byte> Image(int index) => Images.AsSpan(index * PixelsPerImage, PixelsPerImage);

    /// <summary>How many images carry each label 0–9.</summary>
    public int[] LabelHistogram()
    {
        var histogram = new int[10];
        foreach (byte label in Labels) histogram[label]++;
        return histogram;
    }
}
