using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace Mnist.Imaging;

/// <summary>
/// Turns a picture of one handwritten digit (a PNG or JPEG of any size: a scan, a phone photo, a
/// canvas drawing) into a 28×28 MNIST-style image the way MNIST itself was made: ink bright on
/// black, cropped to the ink, scaled to fit 20×20 keeping the aspect ratio, and placed so that its
/// centre of mass sits at the centre of the 28×28 field. Before that, what a real picture adds is
/// taken away: the camera's EXIF orientation is applied, transparent pixels are composited over the
/// colour that contrasts with the ink, and the paper's own level and noise (grey paper, uneven light)
/// are estimated (Otsu's threshold, then the background's median and spread) and brought to 0.
/// </summary>
public static class DigitImage
{
    /// <summary>Largest file read.</summary>
    public const long MaxFileBytes = 32L << 20;

    /// <summary>Reads and normalises <paramref name="path"/>; 784 bytes, row-major.</summary>
    public static byte[] FromFile(string path) => FromBytes(path, IO.LimitedFile.ReadAllBytes(path, MaxFileBytes, "an image"));

    /// <summary>Normalises an encoded PNG or JPEG; <paramref name="name"/> names it in errors.</summary>
    public static byte[] FromBytes(string name, byte[] encoded)
    {
        ImageDecoding.Identify(name, encoded); // size and format from the header, before decoding
        using var image = ImageDecoding.Decode(name, () =>
        {
            var decoded = Image.Load<Rgba32>(ImageDecoding.Configuration, encoded);
            decoded.Mutate(x => x.AutoOrient());
            return decoded;
        });
        var rgba = new Rgba32[image.Width * image.Height];
        image.CopyPixelDataTo(rgba);
        return FromPixels(name, rgba, image.Width, image.Height);
    }

    /// <summary>Normalises decoded RGBA pixels (row-major, <paramref name="width"/> × <paramref name="height"/>).</summary>
    public static byte[] FromPixels(string name, ReadOnlySpan<Rgba32> pixels, int width, int height) =>
        Normalize(name, Grayscale(pixels), width, height);

    /// <summary>
    /// Luma of every pixel, composited over black when the visible strokes are light (white ink on a
    /// transparent canvas) and over white when they are dark: a transparent background then always
    /// contrasts with the ink.
    /// </summary>
    internal static byte[] Grayscale(ReadOnlySpan<Rgba32> pixels)
    {
        var luma = new double[pixels.Length];
        double alphaSum = 0, inkSum = 0;
        bool opaque = true;
        for (int i = 0; i < pixels.Length; i++)
        {
            var p = pixels[i];
            luma[i] = 0.299 * p.R + 0.587 * p.G + 0.114 * p.B;
            alphaSum += p.A;
            inkSum += p.A * luma[i];
            opaque &= p.A == 255;
        }
        double behind = opaque || alphaSum == 0 ? 255 : inkSum / alphaSum > 127.5 ? 0 : 255;
        var gray = new byte[pixels.Length];
        for (int i = 0; i < gray.Length; i++)
        {
            double a = pixels[i].A / 255.0;
            gray[i] = (byte)Math.Round(luma[i] * a + behind * (1 - a));
        }
        return gray;
    }

    /// <summary>The MNIST recipe on a grayscale image of <paramref name="width"/>×<paramref name="height"/>.</summary>
    public static byte[] Normalize(string path, byte[] gray, int width, int height)
    {
        // Ink is whatever differs from the background, judged by the border: MNIST digits are light on black.
        if (BorderMedian(gray, width, height) > 127)
            for (int i = 0; i < gray.Length; i++) gray[i] = (byte)(255 - gray[i]);
        RemoveBackground(path, gray);
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

    /// <summary>
    /// Brings the background (light ink on dark, after the inversion) to 0 and the ink to full
    /// strength: Otsu's threshold splits background from ink; below the background's median plus
    /// three times its spread (median absolute deviation) is paper and noise, and the ink's
    /// 90th percentile becomes 255. A clean scan (background exactly 0, ink 255) is left as it is.
    /// </summary>
    internal static void RemoveBackground(string path, byte[] gray)
    {
        var histogram = new long[256];
        foreach (byte v in gray) histogram[v]++;
        int otsu = OtsuThreshold(histogram, gray.Length);
        if (otsu < 0) throw new MnistDataException(path, "no digit found: the image is blank");
        double background = Percentile(histogram, 0, otsu, 0.5);
        var deviations = new long[256];
        for (int v = 0; v <= otsu; v++) deviations[(int)Math.Min(255, Math.Abs(v - background))] += histogram[v];
        double spread = 1.4826 * Percentile(deviations, 0, 255, 0.5);
        double ink = Percentile(histogram, otsu + 1, 255, 0.9);
        if (ink - background < 32) throw new MnistDataException(path, "no digit found: the image is blank");
        double low = Math.Min(background + 3 * spread, (background + otsu) / 2.0);
        if (low <= 0 && ink >= 255) return;
        double gain = 255.0 / Math.Max(1, ink - low);
        for (int i = 0; i < gray.Length; i++) gray[i] = (byte)Math.Clamp(Math.Round((gray[i] - low) * gain), 0, 255);
    }

    /// <summary>The gray level that best splits the histogram in two classes (largest between-class variance; the level itself in the lower one); -1 for an image of one level.</summary>
    internal static int OtsuThreshold(long[] histogram, long total)
    {
        double sum = 0;
        for (int v = 0; v < 256; v++) sum += v * (double)histogram[v];
        double lowSum = 0, best = -1;
        long lowCount = 0;
        int threshold = -1;
        for (int t = 0; t < 255; t++)
        {
            lowCount += histogram[t];
            lowSum += t * (double)histogram[t];
            long highCount = total - lowCount;
            if (lowCount == 0 || highCount == 0) continue;
            double lowMean = lowSum / lowCount, highMean = (sum - lowSum) / highCount;
            double between = (double)lowCount * highCount * (lowMean - highMean) * (lowMean - highMean);
            if (between > best)
            {
                best = between;
                threshold = t;
            }
        }
        return threshold;
    }

    // The value below which a fraction q of the histogram's counts in [from, to] lie.
    private static double Percentile(long[] histogram, int from, int to, double q)
    {
        long count = 0;
        for (int v = from; v <= to; v++) count += histogram[v];
        if (count == 0) return from;
        long target = (long)Math.Ceiling(q * count), seen = 0;
        for (int v = from; v <= to; v++)
        {
            seen += histogram[v];
            if (seen >= target) return v;
        }
        return to;
    }

    private static byte BorderMedian(byte[] gray, int width, int height)
    {
        var histogram = new long[256];
        for (int x = 0; x < width; x++) { histogram[gray[x]]++; histogram[gray[(height - 1) * width + x]]++; }
        for (int y = 0; y < height; y++) { histogram[gray[y * width]]++; histogram[gray[y * width + width - 1]]++; }
        return (byte)Percentile(histogram, 0, 255, 0.5);
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
