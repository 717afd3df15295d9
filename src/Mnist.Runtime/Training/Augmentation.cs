namespace Mnist.Training;

/// <summary>
/// A random affine transform of each training image as its batch is prepared: a shift of up to ±2 pixels
/// each way, a rotation of up to ±10°, a scale of 0.9–1.1, about the image's centre, resampled
/// bilinearly (outside the image is 0). The transform of the image at position j of batch t is drawn
/// from a hash of (seed, t, j), not from a running generator: whichever thread prepares a batch, and
/// after a resume, the same batch gets the same transforms. Labels are not touched.
/// </summary>
public sealed class Augmentation(int seed, double maxShift = 2, double maxDegrees = 10, double minScale = 0.9, double maxScale = 1.1)
{
    /// <summary>The seed the transforms are drawn from.</summary>
    public int Seed => seed;

    /// <summary>Writes the image <paramref name="source"/> (bytes of <paramref name="shape"/>), transformed for position <paramref name="position"/> of batch <paramref name="batch"/>, into <paramref name="destination"/>.</summary>
    public void Apply(ReadOnlySpan<byte> source, Span<byte> destination, SampleShape shape, long batch, int position)
    {
        var (dx, dy, degrees, scale) = Draw(batch, position);
        Transform(source, destination, shape, dx, dy, degrees * Math.PI / 180, scale);
    }

    /// <summary>The transform of position <paramref name="position"/> of batch <paramref name="batch"/>: shifts in pixels, rotation in degrees, scale.</summary>
    internal (double Dx, double Dy, double Degrees, double Scale) Draw(long batch, int position)
    {
        ulong state = Mix((ulong)(uint)seed * 0x9E3779B97F4A7C15UL ^ (ulong)batch * 0xC2B2AE3D27D4EB4FUL ^ (ulong)(uint)position * 0x165667B19E3779F9UL);
        double dx = Uniform(ref state, -maxShift, maxShift), dy = Uniform(ref state, -maxShift, maxShift);
        double degrees = Uniform(ref state, -maxDegrees, maxDegrees);
        return (dx, dy, degrees, Uniform(ref state, minScale, maxScale));
    }

    /// <summary>The transform itself: destination = rotate(angle) · scale · (source − centre) + centre + (dx, dy), sampled back bilinearly.</summary>
    internal static void Transform(ReadOnlySpan<byte> source, Span<byte> destination, SampleShape shape, double dx, double dy, double angle, double scale)
    {
        int height = shape.Height, width = shape.Width, plane = height * width;
        double cx = (width - 1) / 2.0, cy = (height - 1) / 2.0;
        // the inverse map: source = R(−angle) · (destination − centre − shift) / scale + centre
        double cos = Math.Cos(angle) / scale, sin = Math.Sin(angle) / scale;
        for (int c = 0; c < shape.Channels; c++)
        {
            var from = source.Slice(c * plane, plane);
            var to = destination.Slice(c * plane, plane);
            for (int y = 0; y < height; y++)
            {
                double ry = y - cy - dy;
                for (int x = 0; x < width; x++)
                {
                    double rx = x - cx - dx;
                    double sx = cos * rx + sin * ry + cx, sy = -sin * rx + cos * ry + cy;
                    to[y * width + x] = Bilinear(from, width, height, sx, sy);
                }
            }
        }
    }

    private static byte Bilinear(ReadOnlySpan<byte> image, int width, int height, double x, double y)
    {
        int x0 = (int)Math.Floor(x), y0 = (int)Math.Floor(y);
        double tx = x - x0, ty = y - y0;
        double value = (At(image, width, height, x0, y0) * (1 - tx) + At(image, width, height, x0 + 1, y0) * tx) * (1 - ty)
            + (At(image, width, height, x0, y0 + 1) * (1 - tx) + At(image, width, height, x0 + 1, y0 + 1) * tx) * ty;
        return (byte)Math.Clamp(Math.Round(value), 0, 255);
    }

    private static double At(ReadOnlySpan<byte> image, int width, int height, int x, int y) =>
        x < 0 || y < 0 || x >= width || y >= height ? 0 : image[y * width + x];

    private static double Uniform(ref ulong state, double low, double high)
    {
        state = Mix(state + 0x9E3779B97F4A7C15UL);
        return low + (high - low) * ((state >> 11) * (1.0 / (1UL << 53)));
    }

    // SplitMix64's finaliser: a well-mixed 64-bit value from any input.
    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
