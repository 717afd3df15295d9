using SkiaSharp;

namespace Mnist.App.Rendering;

/// <summary>matplotlib's "Blues" colour map (its nine ColorBrewer anchors, linearly interpolated): white for 0, dark blue for 1.</summary>
public static class BluesColorMap
{
    private static readonly SKColor[] Anchors =
    [
        new(0xf7, 0xfb, 0xff), new(0xde, 0xeb, 0xf7), new(0xc6, 0xdb, 0xef), new(0x9e, 0xca, 0xe1), new(0x6b, 0xae, 0xd6),
        new(0x42, 0x92, 0xc6), new(0x21, 0x71, 0xb5), new(0x08, 0x51, 0x9c), new(0x08, 0x30, 0x6b),
    ];

    /// <summary>The colour of <paramref name="value"/> in [0, 1].</summary>
    public static SKColor Map(double value)
    {
        double position = Math.Clamp(value, 0, 1) * (Anchors.Length - 1);
        int i = Math.Min((int)position, Anchors.Length - 2);
        double t = position - i;
        SKColor a = Anchors[i], b = Anchors[i + 1];
        return new SKColor(Lerp(a.Red, b.Red, t), Lerp(a.Green, b.Green, t), Lerp(a.Blue, b.Blue, t));
    }

    private static byte Lerp(byte a, byte b, double t) => (byte)Math.Round(a + (b - a) * t);
}
