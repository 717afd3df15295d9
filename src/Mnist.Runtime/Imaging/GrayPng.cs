using SkiaSharp;

namespace Mnist.Imaging;

/// <summary>8-bit grayscale PNG files of a fixed size: the images of a PNG-folder dataset.</summary>
public static class GrayPng
{
    private static ReadOnlySpan<byte> Signature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>
    /// Decodes <paramref name="bytes"/> into <paramref name="pixels"/>; the image must be a PNG of
    /// exactly <paramref name="width"/>×<paramref name="height"/> 8-bit grayscale pixels. Size and
    /// colour type are checked from the header, before any pixel is decoded.
    /// </summary>
    public static void Decode(string path, byte[] bytes, int width, int height, Span<byte> pixels)
    {
        if (bytes.Length < Signature.Length || !bytes.AsSpan(0, Signature.Length).SequenceEqual(Signature))
            throw new MnistDataException(path, "not a PNG file");
        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(data)
            ?? throw new MnistDataException(path, "corrupt PNG (cannot read its header)");
        var info = codec.Info;
        if (info.Width != width || info.Height != height)
            throw new MnistDataException(path, $"image is {info.Width}x{info.Height}; expected {width}x{height}");
        if (info.ColorType != SKColorType.Gray8)
            throw new MnistDataException(path, $"image is not 8-bit grayscale (decodes as {info.ColorType})");
        var target = new SKImageInfo(width, height, SKColorType.Gray8, SKAlphaType.Opaque);
        unsafe
        {
            fixed (byte* p = pixels)
            {
                var result = codec.GetPixels(target, (IntPtr)p);
                if (result is not (SKCodecResult.Success))
                    throw new MnistDataException(path, $"corrupt PNG ({result})");
            }
        }
    }

    /// <summary>Encodes <paramref name="pixels"/> (row-major, one byte per pixel) as a grayscale PNG.</summary>
    public static byte[] Encode(ReadOnlySpan<byte> pixels, int width, int height)
    {
        var info = new SKImageInfo(width, height, SKColorType.Gray8, SKAlphaType.Opaque);
        unsafe
        {
            fixed (byte* p = pixels)
            {
                using var pixmap = new SKPixmap(info, (IntPtr)p, width);
                using var encoded = pixmap.Encode(new SKPngEncoderOptions(SKPngEncoderFilterFlags.AllFilters, zLibLevel: 6))
                    ?? throw new InvalidOperationException("PNG encoding failed");
                return encoded.ToArray();
            }
        }
    }
}
