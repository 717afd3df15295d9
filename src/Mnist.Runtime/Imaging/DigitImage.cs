using SkiaSharp;

namespace Mnist.Imaging;

/// <summary>
/// Turns a picture of one handwritten digit (any PNG or JPEG, any size, dark-on-light or
/// light-on-dark) into a 28×28 MNIST-style image the way MNIST itself was made: grayscale, ink
/// bright on black, cropped to the ink, scaled to fit 20×20 keeping the aspect ratio, and placed
/// so that its centre of mass sits at the centre of the 28×28 field.
/// </summary>
public static class DigitImage
{
    /// <summary>Largest file read.</summary>
    public const long MaxFileBytes = 32L << 20;

    /// <summary>Largest image decoded (width × height), checked from the header before decoding.</summary>
    public const long MaxPixels = 50_000_000;

    /// <summary>Reads and normalises <paramref name="path"/>; 784 bytes, row-major.</summary>
    public static byte[] FromFile(string path)
    {
        if (!File.Exists(path)) throw new MnistDataException(path, "file not found");
        long length = new FileInfo(path).Length;
        if (length > MaxFileBytes) throw new MnistDataException(path, $"{length} bytes is larger than the {MaxFileBytes >> 20} MiB limit for an image");
        using var data = SKData.Create(path) ?? throw new MnistDataException(path, "cannot read the file");
        using var codec = SKCodec.Create(data) ?? throw new MnistDataException(path, "not an image SkiaSharp can decode (PNG or JPEG expected)");
        var size = codec.Info;
        if ((long)size.Width * size.Height > MaxPixels)
            throw new MnistDataException(path, $"image is {size.Width}x{size.Height}, larger than the {MaxPixels} pixels limit");
        var info = new SKImageInfo(size.Width, size.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        using var bitmap = new SKBitmap(info);
        var result = codec.GetPixels(info, bitmap.GetPixels());
        if (result is not (SKCodecResult.Success or SKCodecResult.IncompleteInput))
            throw new MnistDataException(path, $"cannot decode the image ({result})");
        return Normalize(path, Grayscale(bitmap), size.Width, size.Height);
    }

    /// <summary>Ink intensity (0 = background, 255 = darkest stroke or brightest, whichever is the ink) of an RGBA image composited on white.</summary>
    private static byte[] Grayscale(SKBitmap bitmap)
    {
        var pixels = bitmap.GetPixelSpan();
        var gray = new byte[bitmap.Width * bitmap.Height];
        for (int i = 0; i < gray.Length; i++)
        {
            int r = pixels[4 * i], g = pixels[4 * i + 1], b = pixels[4 * i + 2], a = pixels[4 * i + 3];
            double luma = 0.299 * r + 0.587 * g + 0.114 * b;
            gray[i] = (byte)Math.Round((luma * a + 255.0 * (255 - a)) / 255.0);
        }
        return gray;
    }

    /// <summary>The MNIST recipe on a grayscale image of <paramref name="width"/>×<paramref name="height"/>.</summary>
    public static byte[] Normalize(string path, byte[] gray, int width, int height)
    {
        // Ink is whatever differs from the background, judged by the border: MNIST digits are light on black.
        if (BorderMean(gray, width, height) > 127)
            for (int i = 0; i < gray.Length; i++) gray[i] = (byte)(255 - gray[i]);
        byte max = gray.Max();
        int threshold = Math.Max(1, max / 4);
        int left = width, right = -1, top = height, bottom = -1;
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                if (gray[y * width + x] >= threshold && max >= 32)
                {
                    left = Math.Min(left, x); right = Math.Max(right, x);
                    top = Math.Min(top, y); bottom = Math.Max(bottom, y);
                }
        if (right < 0) throw new MnistDataException(path, "no digit found: the image is blank");

        int cropWidth = right - left + 1, cropHeight = bottom - top + 1;
        double scale = 20.0 / Math.Max(cropWidth, cropHeight);
        int fitWidth = Math.Clamp((int)Math.Round(cropWidth * scale), 1, 20);
        int fitHeight = Math.Clamp((int)Math.Round(cropHeight * scale), 1, 20);
        var fitted = Resize(gray, width, left, top, cropWidth, cropHeight, fitWidth, fitHeight);

        // centre of mass of the fitted digit goes to the centre of the 28×28 field
        double mass = 0, cx = 0, cy = 0;
        for (int y = 0; y < fitHeight; y++)
            for (int x = 0; x < fitWidth; x++)
            {
                double v = fitted[y * fitWidth + x];
                mass += v; cx += v * x; cy += v * y;
            }
        int offsetX = mass > 0 ? (int)Math.Round(14 - (cx / mass + 0.5)) : (28 - fitWidth) / 2;
        int offsetY = mass > 0 ? (int)Math.Round(14 - (cy / mass + 0.5)) : (28 - fitHeight) / 2;
        offsetX = Math.Clamp(offsetX, 0, 28 - fitWidth);
        offsetY = Math.Clamp(offsetY, 0, 28 - fitHeight);
        var result = new byte[28 * 28];
        for (int y = 0; y < fitHeight; y++)
            fitted.AsSpan(y * fitWidth, fitWidth).CopyTo(result.AsSpan((offsetY + y) * 28 + offsetX, fitWidth));
        return result;
    }

    private static double BorderMean(byte[] gray, int width, int height)
    {
        double sum = 0;
        int count = 0;
        for (int x = 0; x < width; x++) { sum += gray[x] + gray[(height - 1) * width + x]; count += 2; }
        for (int y = 0; y < height; y++) { sum += gray[y * width] + gray[y * width + width - 1]; count += 2; }
        return sum / count;
    }

    /// <summary>Area-averaging resize of a crop: each output pixel is the mean of the source area it covers (anti-aliased at any ratio).</summary>
    private static byte[] Resize(byte[] gray, int stride, int left, int top, int width, int height, int newWidth, int newHeight)
    {
        var rows = new double[height * newWidth];
        var line = new double[width];
        var resampled = new double[newWidth];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++) line[x] = gray[(top + y) * stride + left + x];
            Resample(line, resampled);
            resampled.CopyTo(rows, y * newWidth);
        }
        var column = new double[height];
        var column2 = new double[newHeight];
        var result = new byte[newWidth * newHeight];
        for (int x = 0; x < newWidth; x++)
        {
            for (int y = 0; y < height; y++) column[y] = rows[y * newWidth + x];
            Resample(column, column2);
            for (int y = 0; y < newHeight; y++) result[y * newWidth + x] = (byte)Math.Clamp(Math.Round(column2[y]), 0, 255);
        }
        return result;
    }

    /// <summary>1-D area resampling of <paramref name="source"/> onto <paramref name="target"/>.Length cells.</summary>
    private static void Resample(double[] source, double[] target)
    {
        double ratio = (double)source.Length / target.Length;
        for (int i = 0; i < target.Length; i++)
        {
            double start = i * ratio, end = (i + 1) * ratio, sum = 0;
            for (int j = (int)start; j < Math.Min(source.Length, (int)Math.Ceiling(end)); j++)
                sum += source[j] * (Math.Min(end, j + 1) - Math.Max(start, j));
            target[i] = sum / ratio;
        }
    }
}
