using System.Globalization;
using Mnist.Data.Npy;
using SkiaSharp;

namespace Mnist.App.Tests;

/// <summary>`mnist train` end to end on a small fixture dataset.</summary>
public class TrainCommandTests
{
    private static CliRun Train(TempDirectory dir, params string[] extra) =>
        CliRun.Of(["train", "--data", FixtureData.Write(dir.File("data")), "--steps", "100", "--eval-every", "20", "--lr", "0.05", "--blas", "simd", "--threads", "1", .. extra]);

    [Fact]
    public void Train_writes_model_history_chart_and_grid()
    {
        using var dir = new TempDirectory();
        var run = Train(dir, "--out", dir.File("run"));

        Assert.Equal(0, run.ExitCode);
        Assert.StartsWith("blas: simd — managed SIMD kernel", run.Out);
        Assert.Contains("step    19  accuracy ", run.Out);
        Assert.Contains("step    99  accuracy ", run.Out);
        Assert.Contains("final test accuracy ", run.Out);
        var history = File.ReadAllLines(dir.File("run/history.csv"));
        Assert.Equal("step,train_loss,test_accuracy,elapsed_s", history[0]);
        Assert.Equal(["19", "39", "59", "79", "99"], history.Skip(1).Select(l => l.Split(',')[0]));
        Assert.True(double.Parse(history[^1].Split(',')[2], CultureInfo.InvariantCulture) >= 0.9);
        Assert.Equal(["linear.bias", "linear.weight", "linear2.bias", "linear2.weight"], NpzArchive.Read(dir.File("run/model.npz")).Keys.Order(StringComparer.Ordinal));

        using var chart = SKBitmap.Decode(dir.File("run/accuracy.png"));
        Assert.Equal((1000, 600), (chart.Width, chart.Height));
        using var grid = SKBitmap.Decode(dir.File("run/grid.png"));
        Assert.Equal((1400, 800), (grid.Width, grid.Height));
        // every one of the 25 cells has a digit drawn in the Blues map: dark blue pixels in its image area
        for (int cell = 0; cell < 25; cell++)
        {
            int x0 = cell % 5 * 280 + 80, y0 = cell / 5 * 160 + 8;
            int blue = 0;
            for (int y = y0; y < y0 + 120; y += 2)
                for (int x = x0; x < x0 + 120; x += 2)
                    if (grid.GetPixel(x, y) is { Blue: > 90, Red: < 60 }) blue++;
            Assert.True(blue > 20, $"cell {cell} looks blank");
        }
    }

    [Fact]
    public void Seeded_runs_with_the_same_backend_give_identical_histories()
    {
        using var dir = new TempDirectory();
        Assert.Equal(0, Train(dir, "--out", dir.File("a"), "--seed", "7").ExitCode);
        Assert.Equal(0, Train(dir, "--out", dir.File("b"), "--seed", "7").ExitCode);
        static IEnumerable<string> WithoutTime(string path) => File.ReadAllLines(path).Select(l => string.Join(',', l.Split(',')[..3]));
        Assert.Equal(WithoutTime(dir.File("a/history.csv")), WithoutTime(dir.File("b/history.csv")));
    }

    [Fact]
    public void Resume_continues_the_step_count()
    {
        using var dir = new TempDirectory();
        Assert.Equal(0, CliRun.Of("train", "--data", FixtureData.Write(dir.File("data")), "--steps", "40", "--eval-every", "20", "--blas", "simd", "--out", dir.File("run")).ExitCode);

        var resumed = CliRun.Of("train", "--data", dir.File("data"), "--steps", "100", "--eval-every", "20", "--blas", "simd", "--resume", dir.File("run"));

        Assert.Equal(0, resumed.ExitCode);
        Assert.Contains("steps 40..100", resumed.Out);
        Assert.DoesNotContain("step    19 ", resumed.Out);
        Assert.Equal(["19", "39", "59", "79", "99"], File.ReadAllLines(dir.File("run/history.csv")).Skip(1).Select(l => l.Split(',')[0]));
    }

    [Fact]
    public void Ctrl_c_saves_the_checkpoint_and_history_and_exits_130()
    {
        using var dir = new TempDirectory();
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        var output = new StringWriter();
        var error = new StringWriter();

        int code = Mnist.App.Cli.MnistCli.Run(["train", "--data", FixtureData.Write(dir.File("data")), "--steps", "100", "--blas", "simd", "--out", dir.File("run")], output, error, cancelled.Token);

        Assert.Equal(130, code);
        Assert.Contains("interrupted at step 0", error.ToString());
        Assert.True(File.Exists(dir.File("run/model.npz")));
        Assert.True(File.Exists(dir.File("run/history.csv")));
    }

    [Theory]
    [InlineData("--lr", "-0.1", "error: learning rate must be positive, got -0.1")]
    [InlineData("--batch", "0", "error: batch size must be positive, got 0")]
    [InlineData("--steps", "-3", "error: steps must be positive, got -3")]
    [InlineData("--blas", "cuda", "error: unknown BLAS backend 'cuda' (choose auto, mkl, openblas, simd, managed)")]
    public void Bad_values_are_usage_errors_and_write_nothing(string option, string value, string message)
    {
        using var dir = new TempDirectory();
        var run = CliRun.Of("train", "--data", dir.File("nowhere"), option, value, "--out", dir.File("run"));
        Assert.Equal(2, run.ExitCode);
        Assert.Equal(message, run.ErrorLines[0]);
        Assert.False(Directory.Exists(dir.File("run")));
    }

    [Fact]
    public void Unknown_option_is_a_usage_error()
    {
        var run = CliRun.Of("train", "--learning-rate", "0.1");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--learning-rate", run.Error);
    }

    [Fact]
    public void Missing_dataset_exits_1_and_leaves_no_output()
    {
        using var dir = new TempDirectory();
        var run = CliRun.Of("train", "--data", dir.File("nowhere"), "--out", dir.File("run"));
        Assert.Equal(1, run.ExitCode);
        Assert.Equal([$"error: {dir.File("nowhere")}: no such file or directory"], run.ErrorLines);
        Assert.False(Directory.Exists(dir.File("run")));
    }
}
