using MathNet.Numerics.LinearAlgebra;
using Mnist.Imaging;
using Mnist.LinearAlgebra;
using Mnist.Runtime.Tests.LinearAlgebra;
using Mnist.Runtime.Tests.Modeling;
using Mnist.Training;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace Mnist.Runtime.Tests.Imaging;

/// <summary>
/// Real MNIST test digits, redrawn the ways a person's pictures come: a phone photo stored sideways
/// with an EXIF orientation, grey paper under uneven light with camera noise, white strokes on a
/// transparent canvas. Each must read as the digit its upright drawing on white paper reads as.
/// </summary>
[Collection(ProviderCollection.Name)]
public sealed class DigitImageTests : RestoresProvider
{
    private const int Scale = 4;
    private static readonly Lazy<SeedNetwork> Trained = new(Train);

    private static SeedNetwork Train()
    {
        BlasBackends.Install(new SimdGemmBackend());
        var network = new SeedNetwork(seed: 1);
        new Trainer(network, RealMnist.Dataset(), new TrainingOptions { Steps = 3000, EvalEvery = 0, Seed = 1 }).Run();
        return network;
    }

    private static (int Digit, float Confidence) Predict(byte[] encoded)
    {
        var network = Trained.Value;
        var inputs = Matrix<float>.Build.Dense(784, 1);
        BatchLoader.Scale(DigitImage.FromBytes("test image", encoded), Mnist.Kernels.Gemm.Values(inputs));
        var workspace = network.CreateWorkspace(1);
        var prediction = new int[1];
        network.Predict(inputs, prediction, workspace);
        return (prediction[0], workspace.Probabilities[prediction[0], 0]);
    }

    // ink 0..1 at (x, y) of the drawing, bilinear between the 28x28 pixels
    private static double Ink(ReadOnlySpan<byte> digit, int x, int y)
    {
        double fx = Math.Clamp((x + 0.5) / Scale - 0.5, 0, 27), fy = Math.Clamp((y + 0.5) / Scale - 0.5, 0, 27);
        int x0 = (int)fx, y0 = (int)fy, x1 = Math.Min(27, x0 + 1), y1 = Math.Min(27, y0 + 1);
        double tx = fx - x0, ty = fy - y0;
        double top = digit[y0 * 28 + x0] * (1 - tx) + digit[y0 * 28 + x1] * tx;
        double bottom = digit[y1 * 28 + x0] * (1 - tx) + digit[y1 * 28 + x1] * tx;
        return (top * (1 - ty) + bottom * ty) / 255;
    }

    private static Image<Rgba32> Draw(ReadOnlySpan<byte> digit, Func<int, int, double, Rgba32> paint)
    {
        int size = 28 * Scale;
        var image = new Image<Rgba32>(size, size);
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++)
                image[x, y] = paint(x, y, Ink(digit, x, y));
        return image;
    }

    private static byte[] Png(Image<Rgba32> image)
    {
        using (image)
        {
            var stream = new MemoryStream();
            image.SaveAsPng(stream);
            return stream.ToArray();
        }
    }

    private static byte[] Jpeg(Image<Rgba32> image)
    {
        using (image)
        {
            var stream = new MemoryStream();
            image.SaveAsJpeg(stream, new JpegEncoder { Quality = 95 });
            return stream.ToArray();
        }
    }

    private static Image<Rgba32> WhitePaper(ReadOnlySpan<byte> digit) => Draw(digit, (_, _, ink) =>
    {
        byte v = (byte)Math.Round(255 * (1 - ink));
        return new Rgba32(v, v, v);
    });

    // A phone photo: the sensor's pixels are the upright picture turned a quarter left; EXIF orientation 6 says "turn right to view".
    private static Image<Rgba32> Sideways(ReadOnlySpan<byte> digit)
    {
        var image = WhitePaper(digit);
        image.Mutate(x => x.Rotate(RotateMode.Rotate270));
        image.Metadata.ExifProfile = new ExifProfile();
        image.Metadata.ExifProfile.SetValue(ExifTag.Orientation, (ushort)6);
        return image;
    }

    private static Image<Rgba32> GreyPaper(ReadOnlySpan<byte> digit, int seed)
    {
        var random = new Random(seed);
        int size = 28 * Scale;
        return Draw(digit, (x, y, ink) =>
        {
            // light falls off across the page (210 to 175) and the sensor adds noise
            double paper = 210 - 35.0 * (x + y) / (2 * size);
            double noise = 6 * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            byte v = (byte)Math.Clamp(Math.Round(paper * (1 - ink) + 40 * ink + noise), 0, 255);
            return new Rgba32(v, v, (byte)Math.Clamp(v - 8, 0, 255));
        });
    }

    private static Image<Rgba32> WhiteOnTransparent(ReadOnlySpan<byte> digit) =>
        Draw(digit, (_, _, ink) => new Rgba32(255, 255, 255, (byte)Math.Round(255 * ink)));

    private static Image<Rgba32> BlackOnTransparent(ReadOnlySpan<byte> digit) =>
        Draw(digit, (_, _, ink) => new Rgba32(0, 0, 0, (byte)Math.Round(255 * ink)));

    // the first test digits that the upright drawing gives clearly (so that a flip means the picture, not a coin toss)
    private static IEnumerable<(int Index, byte[] Digit, int Upright)> ClearDigits(int count)
    {
        var test = RealMnist.Dataset().Test;
        int found = 0;
        for (int i = 0; i < test.Count && found < count; i++)
        {
            var digit = test.Image(i).ToArray();
            var (upright, confidence) = Predict(Png(WhitePaper(digit)));
            if (upright != test.Labels[i] || confidence < 0.9f) continue;
            found++;
            yield return (i, digit, upright);
        }
    }

    [SkippableFact]
    public void A_sideways_photo_with_an_exif_orientation_reads_as_the_upright_drawing()
    {
        foreach (var (index, digit, upright) in ClearDigits(40))
        {
            Assert.True(Predict(Jpeg(Sideways(digit))).Digit == Predict(Jpeg(WhitePaper(digit))).Digit, $"test digit {index} (JPEG)");
            Assert.True(Predict(Png(Sideways(digit))).Digit == upright, $"test digit {index} (PNG with eXIf)");
        }
    }

    [SkippableFact]
    public void A_digit_on_grey_noisy_unevenly_lit_paper_reads_as_on_white_paper()
    {
        foreach (var (index, digit, upright) in ClearDigits(40))
            Assert.True(Predict(Png(GreyPaper(digit, index))).Digit == upright, $"test digit {index}");
    }

    [SkippableFact]
    public void Strokes_on_a_transparent_canvas_read_whatever_their_colour()
    {
        foreach (var (index, digit, upright) in ClearDigits(40))
        {
            Assert.True(Predict(Png(WhiteOnTransparent(digit))).Digit == upright, $"test digit {index}, white strokes");
            Assert.True(Predict(Png(BlackOnTransparent(digit))).Digit == upright, $"test digit {index}, black strokes");
        }
    }

    [Fact]
    public void A_clean_drawing_is_normalised_exactly_as_before_the_background_estimate()
    {
        // background exactly 0 and ink reaching 255: the estimate leaves the pixels alone
        var gray = new byte[40 * 40];
        for (int y = 10; y < 30; y++) for (int x = 18; x < 22; x++) gray[y * 40 + x] = 255;
        gray[10 * 40 + 17] = 100; // anti-aliased edge
        var copy = (byte[])gray.Clone();
        DigitImage.RemoveBackground("t", copy);
        Assert.Equal(gray, copy);
    }

    [Fact]
    public void A_blank_or_uniform_picture_is_refused_as_blank()
    {
        foreach (byte level in new byte[] { 0, 128, 255 })
        {
            var e = Assert.Throws<MnistDataException>(() => DigitImage.Normalize("blank.png", Enumerable.Repeat(level, 100 * 100).ToArray(), 100, 100));
            Assert.Equal("no digit found: the image is blank", e.Problem);
        }
    }

    [Fact]
    public void An_image_declaring_4096_by_4096_or_more_is_refused_from_its_header()
    {
        // a PNG header (IHDR) declaring 5000 x 5000, with no pixel data at all
        byte[] chunk = [0x49, 0x48, 0x44, 0x52, 0, 0, 0x13, 0x88, 0, 0, 0x13, 0x88, 8, 0, 0, 0, 0];
        var crc = new byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(crc, System.IO.Hashing.Crc32.HashToUInt32(chunk));
        byte[] png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, .. chunk, .. crc];
        var e = Assert.Throws<MnistDataException>(() => DigitImage.FromBytes("huge.png", png));
        Assert.Equal("image is 5000x5000; the limit is below 4096x4096 pixels", e.Problem);
    }
}
