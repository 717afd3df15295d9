namespace Mnist;

/// <summary>
/// Where a square window (a convolution's kernel, a pooling window) goes over one channels × height × width
/// sample: <paramref name="Size"/> × Size, moved by <paramref name="Stride"/>, over the input with
/// <paramref name="Padding"/> zeros on every side. Output sizes are PyTorch's: ⌊(H + 2·padding − size) / stride⌋ + 1.
/// </summary>
public readonly record struct Window2D(int Channels, int Height, int Width, int Size, int Stride = 1, int Padding = 0)
{
    /// <summary>Rows of the output of each channel.</summary>
    public int OutputHeight => (Height + 2 * Padding - Size) / Stride + 1;

    /// <summary>Columns of the output of each channel.</summary>
    public int OutputWidth => (Width + 2 * Padding - Size) / Stride + 1;

    /// <summary>Output positions per channel.</summary>
    public int Positions => OutputHeight * OutputWidth;

    /// <summary>Values a window covers across all input channels (a convolution's columns: in · kh · kw).</summary>
    public int Patch => Channels * Size * Size;

    /// <summary>Values per input sample.</summary>
    public int InputFeatures => Channels * Height * Width;
}
