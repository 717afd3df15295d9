using System.Globalization;

namespace Mnist;

/// <summary>
/// The shape of one sample as a layer sees it: channels × height × width (NCHW without the N, so a
/// sample's values are contiguous, channel by channel, row by row — the order <c>nn.Flatten</c> uses),
/// or a flat vector of features (height and width 1).
/// </summary>
/// <param name="Channels">Channels, or the features of a flat vector.</param>
/// <param name="Height">Rows of each channel (1 for a flat vector).</param>
/// <param name="Width">Columns of each channel (1 for a flat vector).</param>
public readonly record struct SampleShape(int Channels, int Height = 1, int Width = 1)
{
    /// <summary>A flat vector of <paramref name="features"/> values.</summary>
    public static SampleShape Flat(int features) => new(features);

    /// <summary>Values per sample.</summary>
    public int Features => Channels * Height * Width;

    /// <summary>True for a flat vector of features.</summary>
    public bool IsFlat => Height == 1 && Width == 1;

    /// <summary><c>784</c>, or <c>32×13×13</c>.</summary>
    public override string ToString() => IsFlat
        ? Channels.ToString(CultureInfo.InvariantCulture)
        : string.Create(CultureInfo.InvariantCulture, $"{Channels}×{Height}×{Width}");
}
