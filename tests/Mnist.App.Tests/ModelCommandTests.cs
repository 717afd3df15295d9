using System.Text.Json;
using Mnist.Data.Npy;
using SkiaSharp;

namespace Mnist.App.Tests;

/// <summary>`mnist eval`, `predict` and `grid` with a model trained on the fixture dataset.</summary>
public sealed class ModelCommandTests : IClassFixture<ModelCommandTests.TrainedModel>
{
    private readonly TrainedModel _model;

    public ModelCommandTests(TrainedModel model) => _model = model;

    public sealed class TrainedModel : IDisposable
    {
        public TempDirectory Directory { get; } = new();
        public string Data => Directory.File("data");
        public string Model => Directory.File("run/model.npz");

        public TrainedModel()
        {
            var run = CliRun.Of("train", "--data", FixtureData.Write(Data), "--steps", "100", "--eval-every", "0", "--lr", "0.05", "--blas", "simd", "--out", Directory.File("run"));
            Assert.Equal(0, run.ExitCode);
        }

        public void Dispose() => Directory.Dispose();
    }

    [Fact]
    public void Eval_json_reports_accuracy_per_class_and_confusion()
    {
        var run = CliRun.Of("eval", "--model", _model.Model, "--data", _model.Data, "--json", "--blas", "simd");
        Assert.Equal(0, run.ExitCode);
        using var json = JsonDocument.Parse(run.Out);
        var root = json.RootElement;
        Assert.Equal(100, root.GetProperty("count").GetInt32());
        Assert.True(root.GetProperty("accuracy").GetDouble() >= 0.9);
        Assert.Equal(10, root.GetProperty("classes").GetArrayLength());
        Assert.Equal(100, root.GetProperty("confusion").EnumerateArray().SelectMany(r => r.EnumerateArray()).Sum(c => c.GetInt32()));
        Assert.Equal("simd", root.GetProperty("blas").GetString());
    }

    [SkippableFact]
    public void Grid_in_chinese_draws_the_original_programs_labels_with_a_cjk_font()
    {
        Skip.IfNot(File.Exists("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"), "fonts-noto-cjk is not installed (bash scripts/install-native.sh installs it)");
        using var dir = new TempDirectory();
        var zh = CliRun.Of("grid", "--model", _model.Model, "--data", _model.Data, "--out", dir.File("zh.png"), "--lang", "zh", "--blas", "simd");
        var en = CliRun.Of("grid", "--model", _model.Model, "--data", _model.Data, "--out", dir.File("en.png"), "--blas", "simd");
        Assert.Equal(0, zh.ExitCode);
        Assert.Equal(0, en.ExitCode);
        // the same digits, other captions: the images differ only below the digits
        using var a = SKBitmap.Decode(dir.File("zh.png"));
        using var b = SKBitmap.Decode(dir.File("en.png"));
        Assert.Equal((a.Width, a.Height), (b.Width, b.Height));
        Assert.NotEqual(File.ReadAllBytes(dir.File("zh.png")), File.ReadAllBytes(dir.File("en.png")));
        Assert.Equal("真实 7  预测 1  概率 99.82%", new Mnist.App.Rendering.GridCell([], 7, 1, 0.9982f).CaptionIn("zh"));
        Assert.Equal(2, CliRun.Of("grid", "--model", _model.Model, "--out", dir.File("x.png"), "--lang", "fr").ExitCode);
    }

    [Fact]
    public void Eval_prints_the_tables()
    {
        var run = CliRun.Of("eval", "--model", _model.Model, "--data", _model.Data, "--blas", "simd");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("784-128(ReLU)-10 on 100 test images: accuracy ", run.Out);
        Assert.Contains("precision", run.Out);
        Assert.Contains("true \\ pred", run.Out);
    }

    [Fact]
    public void Grid_of_errors_or_samples_has_five_columns_and_the_requested_rows()
    {
        using var dir = new TempDirectory();
        var run = CliRun.Of("grid", "--model", _model.Model, "--data", _model.Data, "--out", dir.File("g.png"), "--count", "10", "--seed", "3", "--blas", "simd");
        Assert.Equal(0, run.ExitCode);
        Assert.StartsWith($"wrote {dir.File("g.png")}: 10 digits", run.Out.Split('\n')[1]);
        using var png = SKBitmap.Decode(dir.File("g.png"));
        Assert.Equal((1400, 320), (png.Width, png.Height));
    }

    [Fact]
    public void Predict_reads_a_dark_on_light_drawing_of_a_fixture_digit()
    {
        using var dir = new TempDirectory();
        // digit 3 of the fixture: a bar on rows 8..11, drawn black on white at 10x size
        var pixels = FixtureData.Split(10, 5).Image(3).ToArray();
        using (var bitmap = new SKBitmap(280, 280))
        {
            for (int y = 0; y < 280; y++)
                for (int x = 0; x < 280; x++)
                {
                    byte ink = pixels[y / 10 * 28 + x / 10];
                    bitmap.SetPixel(x, y, new SKColor((byte)(255 - ink), (byte)(255 - ink), (byte)(255 - ink)));
                }
            File.WriteAllBytes(dir.File("three.png"), bitmap.Encode(SKEncodedImageFormat.Png, 100).ToArray());
        }

        var run = CliRun.Of("predict", "--model", _model.Model, dir.File("three.png"), "--json");

        Assert.Equal(0, run.ExitCode);
        using var json = JsonDocument.Parse(run.Out);
        var result = json.RootElement[0];
        Assert.Equal(dir.File("three.png"), result.GetProperty("file").GetString());
        Assert.Equal(3, result.GetProperty("top3").GetArrayLength());
        Assert.InRange(result.GetProperty("confidence").GetDouble(), 0, 1);
    }

    [Fact]
    public void Predict_refuses_a_file_that_is_not_an_image()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("notes.png"), "not an image");
        var run = CliRun.Of("predict", "--model", _model.Model, dir.File("notes.png"), "--blas", "simd");
        Assert.Equal(1, run.ExitCode);
        // stderr carries the error alone; the banner is on stdout
        Assert.StartsWith("blas: simd", run.Out);
        Assert.Equal([$"error: {dir.File("notes.png")}: not an image: PNG or JPEG expected"], run.ErrorLines);
    }

    [Fact]
    public void Model_of_another_architecture_is_refused_by_name()
    {
        using var dir = new TempDirectory();
        NpzArchive.Write(dir.File("other.npz"),
        [
            new("linear.weight", NpyArray.FromSingles([64, 784], new float[64 * 784])),
            new("linear.bias", NpyArray.FromSingles([64], new float[64])),
            new("linear2.weight", NpyArray.FromSingles([10, 64], new float[640])),
            new("linear2.bias", NpyArray.FromSingles([10], new float[10])),
        ], compress: false);
        var run = CliRun.Of("eval", "--model", dir.File("other.npz"), "--data", _model.Data);
        Assert.Equal(1, run.ExitCode);
        Assert.Single(run.ErrorLines);
        Assert.StartsWith($"error: {dir.File("other.npz")}: does not fit 784-128(ReLU)-10 (linear.weight is (64, 784), expected (128, 784);", run.ErrorLines[0]);
    }

    [Fact]
    public void Truncated_or_non_npz_model_exits_1_naming_the_file()
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.File("cut.npz"), File.ReadAllBytes(_model.Model)[..1000]);
        File.WriteAllText(dir.File("text.npz"), "hello");
        foreach (string file in new[] { "cut.npz", "text.npz" })
        {
            var run = CliRun.Of("predict", "--model", dir.File(file), dir.File("x.png"));
            Assert.Equal(1, run.ExitCode);
            Assert.Single(run.ErrorLines);
            Assert.StartsWith($"error: {dir.File(file)}: not a valid .npz (zip) archive", run.ErrorLines[0]);
        }
    }

    [Fact]
    public void Grid_with_a_missing_model_writes_nothing()
    {
        using var dir = new TempDirectory();
        var run = CliRun.Of("grid", "--model", dir.File("none.npz"), "--out", dir.File("g.png"));
        Assert.Equal(1, run.ExitCode);
        Assert.Equal([$"error: {dir.File("none.npz")}: model file not found"], run.ErrorLines);
        Assert.False(File.Exists(dir.File("g.png")));
    }
}
