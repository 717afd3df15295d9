using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Memory;

namespace Mnist.Imaging;

/// <summary>
/// How images from outside are decoded (ImageSharp, fully managed): PNG and JPEG only — no GIF,
/// BMP, TIFF or WebP decoders to attack — with a memory allocation limit, and the declared size of
/// every image checked from its header (<see cref="Identify"/>) before a pixel is decoded.
/// </summary>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
public static class ImageDecoding
{
    /// <summary>Most memory one decode may allocate.</summary>
    public const int AllocationLimitMegabytes = 256;

    /// <summary>The largest image (width × height) decoded; 4096 × 4096 and more is refused from the header.</summary>
    public const long MaxPixels = 4096L * 4096 - 1;

    /// <summary>The decoders and limits every image read goes through.</summary>
    public static Configuration Configuration { get; } = CreateConfiguration();

    private static Configuration CreateConfiguration() =>
        new(new PngConfigurationModule(), new JpegConfigurationModule())
        {
            MemoryAllocator = MemoryAllocator.Create(new MemoryAllocatorOptions { AllocationLimitMegabytes = AllocationLimitMegabytes }),
            MaxDegreeOfParallelism = 1,
            PreferContiguousImageBuffers = true,
        };

    /// <summary>The format and header of an encoded image; an error naming <paramref name="path"/> when it is not a PNG or JPEG, or too large.</summary>
    public static (IImageInfo Info, IImageFormat Format) Identify(string path, byte[] bytes)
    {
        var (info, format) = ReadHeader(path, bytes);
        if (IsTooLarge(info))
            throw new MnistDataException(path, $"image is {info.Width}x{info.Height}; the limit is below 4096x4096 pixels");
        return (info, format);
    }

    /// <summary>True when the header declares more pixels than are decoded (<see cref="MaxPixels"/>).</summary>
    public static bool IsTooLarge(IImageInfo info) => (long)info.Width * info.Height > MaxPixels;

    /// <summary>As <see cref="Identify"/>, but a header declaring too many pixels is returned, not refused (for a caller that answers that case its own way).</summary>
    public static (IImageInfo Info, IImageFormat Format) ReadHeader(string path, byte[] bytes)
    {
        IImageInfo? info;
        IImageFormat? format;
        try
        {
            info = Image.Identify(Configuration, bytes, out format);
        }
        catch (Exception e) when (e is ImageFormatException or InvalidImageContentException or NotSupportedException or ArgumentException or IndexOutOfRangeException or InvalidOperationException)
        {
            throw new MnistDataException(path, $"corrupt image: {e.Message}", e);
        }
        if (info is null || format is null) throw new MnistDataException(path, "not an image: PNG or JPEG expected");
        if (info.Width <= 0 || info.Height <= 0) throw new MnistDataException(path, $"image is {info.Width}x{info.Height}");
        return (info, format);
    }

    /// <summary>Runs a decode, turning the decoder's exceptions into an error naming <paramref name="path"/>.</summary>
    public static T Decode<T>(string path, Func<T> decode)
    {
        try
        {
            return decode();
        }
        catch (InvalidMemoryOperationException e)
        {
            throw new MnistDataException(path, $"image needs more than the {AllocationLimitMegabytes} MiB allowed to decode it", e);
        }
        catch (Exception e) when (e is ImageFormatException or InvalidImageContentException or UnknownImageFormatException or NotSupportedException or ArgumentException or IndexOutOfRangeException or InvalidOperationException)
        {
            throw new MnistDataException(path, $"corrupt image: {e.Message}", e);
        }
    }
}
