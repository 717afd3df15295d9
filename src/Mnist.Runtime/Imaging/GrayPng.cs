using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;

namespace Mnist.Imaging;

/// <summary>8-bit grayscale PNG files of a fixed size: the images of a PNG-folder dataset.</summary>
public static class GrayPng
{
    private static ReadOnlySpan<byte> Signature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    private static readonly PngEncoder Encoder = new()
    {
        ColorType = PngColorType.Grayscale,
        BitDepth = PngBitDepth.Bit8,
        CompressionLevel = PngCompressionLevel.Level6,
        FilterMethod = PngFilterMethod.Adaptive,
        ChunkFilter = PngChunkFilter.ExcludeAll,
    };

    /// <summary>
    /// Decodes <paramref name="bytes"/> into <paramref name="pixels"/>; the image must be a PNG of
    /// exactly <paramref name="width"/>×<paramref name="height"/> 8-bit grayscale pixels. Size and
    /// colour type are checked from the header, before any pixel is decoded.
    /// </summary>
    public static void Decode(string path, byte[] bytes, int width, int height, Span<byte> pixels)
    {
        if (bytes.Length < Signature.Length || !bytes.AsSpan(0, Signature.Length).SequenceEqual(Signature))
            throw new MnistDataException(path, "not a PNG file");
        var (info, _) = ImageDecoding.Identify(path, bytes);
        if (info.Width != width || info.Height != height)
            throw new MnistDataException(path, $"image is {info.Width}x{info.Height}; expected {width}x{height}");
        var png = info.Metadata.GetPngMetadata();
        if (png.ColorType != PngColorType.Grayscale || png.BitDepth != PngBitDepth.Bit8)
            throw new MnistDataException(path, $"image is not 8-bit grayscale (it is {png.ColorType} with {png.BitDepth})");
        using var image = ImageDecoding.Decode(path, () => Image.Load<L8>(ImageDecoding.Configuration, bytes));
        if (!image.DangerousTryGetSinglePixelMemory(out var memory))
            throw new MnistDataException(path, "image is not in one buffer");
        System.Runtime.InteropServices.MemoryMarshal.AsBytes(memory.Span).CopyTo(pixels);
    }

    /// <summary>Encodes <paramref name="pixels"/> (row-major, one byte per pixel) as a grayscale PNG.</summary>
    public static byte[] Encode(ReadOnlySpan<byte> pixels, int width, int height)
    {
        using var image = Image.LoadPixelData<L8>(ImageDecoding.Configuration, pixels, width, height);
        using var stream = new MemoryStream();
        image.SaveAsPng(stream, Encoder);
        return stream.ToArray();
    }
}
