using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

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
    internal static unsafe void Transform(ReadOnlySpan<byte> source, Span<byte> destination, SampleShape shape, double dx, double dy, double angle, double scale)
    {
        int height = shape.Height, width = shape.Width, plane = height * width;
        // each plane is copied into a frame of zeros two pixels wide, and source coordinates are clamped into the frame:
        // a point more than one pixel outside the image then reads only zeros, with no bounds checks per pixel
        int frameWidth = width + 2 * Margin, frameHeight = height + 2 * Margin;
        // floats: converting bytes inside the pixel loop would chain every pixel to the last (cvtsi2ss's false dependency)
        Span<float> frame = frameWidth * frameHeight <= 2048 ? stackalloc float[frameWidth * frameHeight] : new float[frameWidth * frameHeight];
        float cx = (width - 1) / 2f, cy = (height - 1) / 2f;
        // the inverse map: source = R(−angle) · (destination − centre − shift) / scale + centre
        float cos = (float)(Math.Cos(angle) / scale), sin = (float)(Math.Sin(angle) / scale);
        float shiftX = (float)dx, shiftY = (float)dy;
        float maxX = frameWidth - 2f, maxY = frameHeight - 2f;
        fixed (float* f = frame)
        fixed (byte* to = destination)
        {
            for (int c = 0; c < shape.Channels; c++)
            {
                frame.Clear();
                fixed (byte* from = source)
                    for (int y = 0; y < height; y++) Widen(from + c * plane + y * width, f + (y + Margin) * frameWidth + Margin, width);
                byte* output = to + c * plane;
                // a sample can be nonzero only near the nonzero pixels: blocks of samples beyond that box are zero, unread
                var box = Box(source.Slice(c * plane, plane), width, height);
                if (box.IsEmpty)
                {
                    new Span<byte>(output, plane).Clear();
                    continue;
                }
                for (int y = 0; y < height; y++)
                {
                    float ry = y - cy - shiftY;
                    // source point of destination (x, y): (baseX + cos·rx, baseY − sin·rx) with rx = x − cx − dx
                    var row = new Row(f, frameWidth, maxX, maxY, cos, -sin, sin * ry + cx + Margin, cos * ry + cy + Margin, -cx - shiftX, output + y * width, box);
                    int x = 0;
                    // 8 pixels at a time with gathers (the last block may overlap the one before: the same pixels again)
                    if (Avx2.IsSupported && width >= Vector256<float>.Count)
                    {
                        for (; x < width; x += Vector256<float>.Count) row.Vector(Math.Min(x, width - Vector256<float>.Count));
                        continue;
                    }
                    for (; x < width; x++) row.Scalar(x);
                }
            }
        }
    }

    // bytes to floats, 16 at a time (the last block may overlap the one before)
    private static unsafe void Widen(byte* source, float* destination, int count)
    {
        if (count < Vector128<byte>.Count)
        {
            for (int i = 0; i < count; i++) destination[i] = source[i];
            return;
        }
        for (int i = 0; i < count; i += Vector128<byte>.Count)
        {
            int at = Math.Min(i, count - Vector128<byte>.Count);
            var bytes = Vector128.Load(source + at);
            var (low, high) = Vector128.Widen(bytes);
            var (a, b) = Vector128.Widen(low);
            var (c, d) = Vector128.Widen(high);
            Vector128.ConvertToSingle(a).Store(destination + at);
            Vector128.ConvertToSingle(b).Store(destination + at + 4);
            Vector128.ConvertToSingle(c).Store(destination + at + 8);
            Vector128.ConvertToSingle(d).Store(destination + at + 12);
        }
    }

    // The frame cells (x0, y0) whose bilinear sample can be nonzero: x0 in [Left, Right], y0 in [Top, Bottom] (one left of and above the nonzero pixels).
    private readonly record struct NonzeroBox(float Left, float Right, float Top, float Bottom)
    {
        public bool IsEmpty => Left > Right;
    }

    private static NonzeroBox Box(ReadOnlySpan<byte> plane, int width, int height)
    {
        int top = -1, bottom = -1, left = width, right = -1;
        for (int y = 0; y < height; y++)
        {
            var row = plane.Slice(y * width, width);
            int first = row.IndexOfAnyExcept((byte)0);
            if (first < 0) continue;
            if (top < 0) top = y;
            bottom = y;
            left = Math.Min(left, first);
            right = Math.Max(right, row.LastIndexOfAnyExcept((byte)0));
        }
        return top < 0 ? new NonzeroBox(1, 0, 1, 0) : new NonzeroBox(left + Margin - 1, right + Margin, top + Margin - 1, bottom + Margin);
    }

    // One destination row: the same arithmetic, operation by operation, a pixel or eight at a time.
    private readonly unsafe struct Row(float* frame, int frameWidth, float maxX, float maxY, float cos, float minusSin, float baseX, float baseY, float rx0, byte* output,
        NonzeroBox box)
    {
        public void Scalar(int x)
        {
            float rx = rx0 + x;
            float sx = float.MinNative(float.MaxNative(cos * rx + baseX, 0f), maxX);
            float sy = float.MinNative(float.MaxNative(minusSin * rx + baseY, 0f), maxY);
            float fx = MathF.Floor(sx), fy = MathF.Floor(sy);
            if (fx < box.Left || fx > box.Right || fy < box.Top || fy > box.Bottom)
            {
                output[x] = 0;
                return;
            }
            float tx = sx - fx, ty = sy - fy;
            float* p = frame + (int)fy * frameWidth + (int)fx;
            float top = p[0] + (p[1] - p[0]) * tx;
            float bottom = p[frameWidth] + (p[frameWidth + 1] - p[frameWidth]) * tx;
            output[x] = (byte)(int)(top + (bottom - top) * ty + 0.5f);
        }

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        public void Vector(int x)
        {
            var rx = Vector256.Create(rx0) + Avx.ConvertToVector256Single(Vector256.Create(x) + Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7));
            var sx = Avx.Min(Avx.Max(Vector256.Create(cos) * rx + Vector256.Create(baseX), Vector256<float>.Zero), Vector256.Create(maxX));
            var sy = Avx.Min(Avx.Max(Vector256.Create(minusSin) * rx + Vector256.Create(baseY), Vector256<float>.Zero), Vector256.Create(maxY));
            var fx = Avx.Floor(sx);
            var fy = Avx.Floor(sy);
            var near = Vector256.GreaterThanOrEqual(fx, Vector256.Create(box.Left)) & Vector256.LessThanOrEqual(fx, Vector256.Create(box.Right))
                & Vector256.GreaterThanOrEqual(fy, Vector256.Create(box.Top)) & Vector256.LessThanOrEqual(fy, Vector256.Create(box.Bottom));
            if (near == Vector256<float>.Zero)
            {
                *(ulong*)(output + x) = 0;
                return;
            }
            var tx = sx - fx;
            var ty = sy - fy;
            var index = Avx.ConvertToVector256Int32WithTruncation(fy) * Vector256.Create(frameWidth) + Avx.ConvertToVector256Int32WithTruncation(fx);
            var topLeft = Avx2.GatherVector256(frame, index, 4);
            var topRight = Avx2.GatherVector256(frame + 1, index, 4);
            var bottomLeft = Avx2.GatherVector256(frame + frameWidth, index, 4);
            var bottomRight = Avx2.GatherVector256(frame + frameWidth + 1, index, 4);
            var top = topLeft + (topRight - topLeft) * tx;
            var bottom = bottomLeft + (bottomRight - bottomLeft) * tx;
            var value = Avx.ConvertToVector256Int32WithTruncation(top + (bottom - top) * ty + Vector256.Create(0.5f));
            // 0..255 each: narrow to bytes
            var shorts = Vector256.Narrow(value.AsUInt32(), value.AsUInt32());
            var bytes = Vector256.Narrow(shorts, shorts);
            *(ulong*)(output + x) = bytes.AsUInt64()[0];
        }
    }

    private const int Margin = 2;

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
