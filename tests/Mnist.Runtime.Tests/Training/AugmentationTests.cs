using Mnist.Training;

namespace Mnist.Runtime.Tests.Training;

/// <summary>The random affine transforms of <c>--augment</c>: exact on the transforms whose answer is known, within their bounds, keyed by (seed, batch, position), and leaving labels alone.</summary>
public class AugmentationTests
{
    private static readonly SampleShape Mnist28 = new(1, 28, 28);

    private static byte[] Pattern() => Enumerable.Range(0, 784).Select(i => (byte)(i * 37 % 251)).ToArray();

    private static byte[] Transformed(byte[] source, double dx, double dy, double degrees, double scale)
    {
        var destination = new byte[source.Length];
        Augmentation.Transform(source, destination, Mnist28, dx, dy, degrees * Math.PI / 180, scale);
        return destination;
    }

    [Fact]
    public void The_identity_transform_copies_the_image()
    {
        var image = Pattern();
        Assert.Equal(image, Transformed(image, 0, 0, 0, 1));
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(-2, 1)]
    [InlineData(0, -2)]
    public void A_whole_pixel_shift_moves_every_pixel_and_fills_with_zero(int dx, int dy)
    {
        var image = Pattern();
        var shifted = Transformed(image, dx, dy, 0, 1);
        for (int y = 0; y < 28; y++)
            for (int x = 0; x < 28; x++)
            {
                int sx = x - dx, sy = y - dy;
                byte expected = sx is >= 0 and < 28 && sy is >= 0 and < 28 ? image[sy * 28 + sx] : (byte)0;
                Assert.Equal(expected, shifted[y * 28 + x]);
            }
    }

    [Fact]
    public void A_half_turn_about_the_centre_reverses_the_image()
    {
        var image = Pattern();
        Assert.Equal(image.Reverse().ToArray(), Transformed(image, 0, 0, 180, 1));
    }

    [Fact]
    public void A_half_pixel_shift_averages_neighbours()
    {
        var image = new byte[784];
        image[14 * 28 + 10] = 200;
        var shifted = Transformed(image, 0.5, 0, 0, 1);
        Assert.Equal(100, shifted[14 * 28 + 10]);
        Assert.Equal(100, shifted[14 * 28 + 11]);
        Assert.Equal(200, shifted.Sum(b => b));
    }

    [Theory]
    [InlineData(0.3, -1.7, 7.0, 1.05)]
    [InlineData(-2.0, 2.0, -10.0, 0.9)]
    [InlineData(1.25, 0.5, 3.0, 1.1)]
    public void Any_transform_is_the_naive_bilinear_resampling_in_double_precision(double dx, double dy, double degrees, double scale)
    {
        // a digit-like image: a blob with zeros around it, so that the kernels' skipping of blank regions is exercised too
        var image = new byte[784];
        for (int y = 6; y < 22; y++)
            for (int x = 8; x < 20; x++)
                image[y * 28 + x] = (byte)((x * 31 + y * 17) % 256);
        var actual = Transformed(image, dx, dy, degrees, scale);
        double angle = degrees * Math.PI / 180, cos = Math.Cos(angle) / scale, sin = Math.Sin(angle) / scale;
        double At(int x, int y) => x is >= 0 and < 28 && y is >= 0 and < 28 ? image[y * 28 + x] : 0;
        for (int y = 0; y < 28; y++)
            for (int x = 0; x < 28; x++)
            {
                double rx = x - 13.5 - dx, ry = y - 13.5 - dy;
                double sx = cos * rx + sin * ry + 13.5, sy = -sin * rx + cos * ry + 13.5;
                int x0 = (int)Math.Floor(sx), y0 = (int)Math.Floor(sy);
                double tx = sx - x0, ty = sy - y0;
                double expected = (At(x0, y0) * (1 - tx) + At(x0 + 1, y0) * tx) * (1 - ty) + (At(x0, y0 + 1) * (1 - tx) + At(x0 + 1, y0 + 1) * tx) * ty;
                // float arithmetic against double: the rounding to a byte may land one step away
                Assert.True(Math.Abs(expected - actual[y * 28 + x]) <= 0.5 + 1e-3 * 255, $"({x}, {y}): {actual[y * 28 + x]} vs {expected:F3}");
            }
    }

    [Fact]
    public void Draws_stay_within_their_bounds_and_cover_them()
    {
        var augmentation = new Augmentation(5);
        var draws = Enumerable.Range(0, 20_000).Select(i => augmentation.Draw(i / 64, i % 64)).ToList();
        void Covers(IEnumerable<double> values, double low, double high)
        {
            var list = values.ToList();
            Assert.All(list, v => Assert.InRange(v, low, high));
            // uniform: the extremes come within 1% of the bounds and the mean sits in the middle
            Assert.True(list.Min() < low + 0.01 * (high - low) && list.Max() > high - 0.01 * (high - low), $"{list.Min()}..{list.Max()}");
            Assert.InRange(list.Average(), low + 0.48 * (high - low), low + 0.52 * (high - low));
        }
        Covers(draws.Select(d => d.Dx), -2, 2);
        Covers(draws.Select(d => d.Dy), -2, 2);
        Covers(draws.Select(d => d.Degrees), -10, 10);
        Covers(draws.Select(d => d.Scale), 0.9, 1.1);
    }

    [Fact]
    public void The_same_seed_batch_and_position_give_the_same_transform_and_others_differ()
    {
        var a = new Augmentation(5);
        Assert.Equal(a.Draw(17, 3), new Augmentation(5).Draw(17, 3));
        Assert.NotEqual(a.Draw(17, 3), a.Draw(18, 3));
        Assert.NotEqual(a.Draw(17, 3), a.Draw(17, 4));
        Assert.NotEqual(a.Draw(17, 3), new Augmentation(6).Draw(17, 3));
    }

    [Theory]
    [InlineData(2, false)]
    [InlineData(2, true)]
    [InlineData(8, false)]
    public void Augmented_batches_keep_their_labels_and_pixel_range_and_depend_only_on_their_number(int slots, bool ownThread)
    {
        var split = LearnableData.Split(200, 4, sparse: false);
        var augmentation = new Augmentation(9);
        using var plain = new BatchPrefetcher(split, new RandomBatchSampler(split.Count, 11), 784, 16, skipZeroInputs: false);
        using var augmented = new BatchPrefetcher(split, new RandomBatchSampler(split.Count, 11), 784, 16, skipZeroInputs: false, slots, ownThread, augmentation);
        var expected = new byte[784];
        for (int b = 0; b < 40; b++)
        {
            var original = plain.Next();
            var slot = augmented.Next();
            Assert.Equal(original.Indices, slot.Indices);
            Assert.Equal(slot.Indices.Select(i => (int)split.Labels[i]), slot.Labels);
            Assert.All(slot.Inputs.Enumerate(), v => Assert.InRange(v, 0f, 1f));
            Assert.NotEqual(original.Inputs.ToColumnMajorArray(), slot.Inputs.ToColumnMajorArray());
            // each column is its image transformed by the draw of (batch b, position j)
            for (int j = 0; j < 16; j++)
            {
                augmentation.Apply(split.Image(slot.Indices[j]), expected, split.Shape, b, j);
                Assert.Equal(expected.Select(v => v / 255f), slot.Inputs.Column(j).ToArray());
            }
            plain.Release();
            augmented.Release();
        }
    }
}
