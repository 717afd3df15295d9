using System.Globalization;
using Mnist.Data.Npy;
using SkiaSharp;

namespace Mnist.App.Tests;

/// <summary>`mnist train` end to end on a small fixture dataset.</summary>
public class TrainCommandTests
{
    // the fixture data and quick defaults; an option in `extra` replaces the default of the same name (--epochs replaces --steps)
    private static CliRun Train(TempDirectory dir, params string[] extra)
    {
        var defaults = new Dictionary<string, string> { ["--steps"] = "100", ["--eval-every"] = "20", ["--lr"] = "0.05", ["--blas"] = "simd", ["--threads"] = "1" };
        if (extra.Contains("--epochs") || extra.Contains("--recipe")) defaults.Remove("--steps");
        if (extra.Contains("--recipe")) defaults.Remove("--eval-every");
        var args = new List<string> { "train", "--data", FixtureData.Write(dir.File("data")) };
        foreach (var (option, value) in defaults)
            if (!extra.Contains(option)) args.AddRange([option, value]);
        return CliRun.Of([.. args, .. extra]);
    }

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
        Assert.Equal("step,train_loss,test_accuracy,elapsed_s,lr,val_loss,val_accuracy", history[0]);
        Assert.All(history.Skip(1), line => Assert.Equal("0.05", line.Split(',')[4]));
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

    // a 20-step run on managed, its optimizer.npz changed by `edit` if given, resumed to 40 steps with --blas `blas`
    private static CliRun ResumedUnder(TempDirectory dir, string blas, Func<string, string>? edit = null)
    {
        Assert.Equal(0, Train(dir, "--blas", "managed", "--steps", "20", "--out", dir.File("run")).ExitCode);
        Assert.Equal("managed", Mnist.Training.OptimizerState.BackendOf(dir.File("run/optimizer.npz")));
        string state = dir.File("run/optimizer.npz");
        if (edit is not null) NpzArchive.Write(state, NpzArchive.Read(state), compress: false, edit(NpzArchive.Comment(state)));
        return Train(dir, "--blas", blas, "--steps", "40", "--resume", dir.File("run"));
    }

    [Fact]
    public void A_resumed_run_under_auto_keeps_the_backend_it_was_trained_with()
    {
        using var dir = new TempDirectory();
        var resumed = ResumedUnder(dir, "auto");

        Assert.Equal(0, resumed.ExitCode);
        Assert.StartsWith("blas: managed — ", resumed.Out);
        Assert.Contains("the backend the resumed run was trained with", resumed.Out.Split('\n')[0]);
        Assert.Empty(resumed.Error);
    }

    [Fact]
    public void Resuming_with_another_explicit_backend_warns_that_the_end_will_differ()
    {
        using var dir = new TempDirectory();
        var resumed = ResumedUnder(dir, "simd");

        Assert.Equal(0, resumed.ExitCode);
        Assert.StartsWith("blas: simd — ", resumed.Out);
        Assert.Equal(["warning: the run was trained with --blas managed; --blas simd rounds the products differently, so it will not end bit-identical to an uninterrupted run"], resumed.ErrorLines);
        Assert.Equal("simd", Mnist.Training.OptimizerState.BackendOf(dir.File("run/optimizer.npz")));
    }

    [Fact]
    public void A_run_trained_with_a_backend_this_version_does_not_know_resumes_under_auto_with_a_warning()
    {
        using var dir = new TempDirectory();
        var resumed = ResumedUnder(dir, "auto", comment => comment.Replace("blas=managed", "blas=cuda"));

        Assert.Equal(0, resumed.ExitCode);
        Assert.Equal(["warning: the run was trained with --blas cuda, which this version does not know; another backend rounds the products differently, so it will not end bit-identical to an uninterrupted run"], resumed.ErrorLines);
        Assert.DoesNotContain("the backend the resumed run was trained with", resumed.Out);
    }

    private static float[] Weights(string path, string name) => NpzArchive.Read(path)[name].ToSingles();

    [Fact]
    public void A_resumed_adamw_run_with_augmentation_and_validation_ends_bit_identical_to_one_run()
    {
        using var dir = new TempDirectory();
        string data = FixtureData.Write(dir.File("data"));
        string[] recipe = ["--data", data, "--optimizer", "adamw", "--lr", "0.003", "--augment", "--validation", "50", "--lr-schedule", "step",
            "--step-size", "30", "--gamma", "0.5", "--eval-every", "20", "--blas", "simd", "--threads", "1"];
        Assert.Equal(0, CliRun.Of(["train", .. recipe, "--steps", "100", "--out", dir.File("one")]).ExitCode);
        Assert.Equal(0, CliRun.Of(["train", .. recipe, "--steps", "40", "--out", dir.File("two")]).ExitCode);
        var resumed = CliRun.Of(["train", .. recipe, "--steps", "100", "--resume", dir.File("two")]);

        Assert.Equal(0, resumed.ExitCode);
        Assert.Contains("steps 40..100", resumed.Out);
        foreach (var file in new[] { "model.npz", "optimizer.npz", "best.npz" })
            Assert.Equal(File.ReadAllBytes(dir.File($"one/{file}")), File.ReadAllBytes(dir.File($"two/{file}")));
        static IEnumerable<string> WithoutTime(string path) => File.ReadAllLines(path).Select(l => { var f = l.Split(','); f[3] = ""; return string.Join(',', f); });
        Assert.Equal(WithoutTime(dir.File("one/history.csv")), WithoutTime(dir.File("two/history.csv")));
        Assert.Equal(["exp_avg", "exp_avg_sq"], NpzArchive.Read(dir.File("two/optimizer.npz")).Keys.Select(k => k[(k.LastIndexOf('.') + 1)..]).Distinct().Order());
    }

    [SkippableFact]
    public void A_resumed_mkl_run_ends_bit_identical_to_one_run()
    {
        Skip.If(Mnist.LinearAlgebra.NativeBlasBackend.TryLoad(Mnist.LinearAlgebra.NativeBlasLibrary.Mkl, 1, out string reason) is null, reason);
        using var dir = new TempDirectory();
        string[] recipe = ["--optimizer", "adam", "--lr", "0.003", "--blas", "mkl"];
        Assert.Equal(0, Train(dir, [.. recipe, "--steps", "100", "--out", dir.File("one")]).ExitCode);
        Assert.Equal(0, Train(dir, [.. recipe, "--steps", "40", "--out", dir.File("two")]).ExitCode);
        var resumed = Train(dir, [.. recipe, "--steps", "100", "--resume", dir.File("two")]);

        Assert.Equal(0, resumed.ExitCode);
        Assert.StartsWith("blas: mkl", resumed.Out);
        Assert.Equal(File.ReadAllBytes(dir.File("one/model.npz")), File.ReadAllBytes(dir.File("two/model.npz")));
    }

    [Fact]
    public void Resuming_with_another_optimizer_names_the_state_file_and_both_optimizers()
    {
        using var dir = new TempDirectory();
        Assert.Equal(0, Train(dir, "--optimizer", "momentum", "--steps", "20", "--out", dir.File("run")).ExitCode);
        var run = Train(dir, "--optimizer", "adam", "--steps", "40", "--resume", dir.File("run"));
        Assert.Equal(1, run.ExitCode);
        Assert.Equal($"error: {dir.File("run/optimizer.npz")}: holds the state of momentum; this run's optimizer is adam (resume with the same --optimizer)", run.ErrorLines[^1]);
    }

    [Fact]
    public void Steps_0_writes_the_initial_model_and_init_starts_from_it_with_a_fresh_optimizer()
    {
        using var dir = new TempDirectory();
        var initial = Train(dir, "--steps", "0", "--seed", "4", "--out", dir.File("init"));
        Assert.Equal(0, initial.ExitCode);
        Assert.Contains("after 0 steps", initial.Out);
        Assert.Single(File.ReadAllLines(dir.File("init/history.csv")));
        Assert.True(new FileInfo(dir.File("init/accuracy.png")).Length > 0);

        // another seed draws other initial weights; --init replaces them with the checkpoint's, so the runs agree
        Assert.Equal(0, Train(dir, "--optimizer", "adam", "--lr", "0.001", "--steps", "20", "--seed", "4", "--out", dir.File("a")).ExitCode);
        var fine = Train(dir, "--optimizer", "adam", "--lr", "0.001", "--steps", "20", "--seed", "4", "--init", dir.File("init/model.npz"), "--out", dir.File("b"));
        Assert.Equal(0, fine.ExitCode);
        Assert.Equal(Weights(dir.File("a/model.npz"), "linear.weight"), Weights(dir.File("b/model.npz"), "linear.weight"));
        var other = Train(dir, "--optimizer", "adam", "--lr", "0.001", "--steps", "20", "--seed", "9", "--init", dir.File("init/model.npz"), "--out", dir.File("c"));
        Assert.Equal(0, other.ExitCode);
        Assert.NotEqual(Weights(dir.File("a/model.npz"), "linear.weight"), Weights(dir.File("c/model.npz"), "linear.weight"));
    }

    [Fact]
    public void The_batch_may_be_the_whole_training_set()
    {
        using var dir = new TempDirectory();
        var run = Train(dir, "--batch", "300", "--shuffle", "--steps", "3", "--eval-every", "1", "--out", dir.File("run"));
        Assert.Equal(0, run.ExitCode);
        Assert.Equal(4, File.ReadAllLines(dir.File("run/history.csv")).Length);
    }

    [Fact]
    public void A_recipe_prints_its_options_and_an_option_given_overrides_it()
    {
        using var dir = new TempDirectory();
        var run = Train(dir, "--recipe", "best", "--epochs", "1", "--out", dir.File("run"));
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("recipe best: --optimizer adamw --lr 0.05 --weight-decay 0.01 --betas 0.9,0.999 --eps 1E-08 --lr-schedule onecycle --batch 256 --epochs 1", run.Out);
        Assert.Contains(": adamw, lr 0.05 (onecycle)", run.Out);
    }

    [Fact]
    public void Validation_writes_its_columns_and_the_best_model_beside_the_last()
    {
        using var dir = new TempDirectory();
        var run = Train(dir, "--validation", "60", "--out", dir.File("run"));
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("on 240 images (and 60 held out to validate)", run.Out);
        Assert.Contains("  validation ", run.Out);
        var rows = File.ReadAllLines(dir.File("run/history.csv")).Skip(1).Select(l => l.Split(',')).ToList();
        Assert.All(rows, f => Assert.InRange(double.Parse(f[6], CultureInfo.InvariantCulture), 0, 1));
        Assert.True(File.Exists(dir.File("run/best.npz")));
        var bestStep = rows.OrderByDescending(f => double.Parse(f[6], CultureInfo.InvariantCulture)).ThenBy(f => int.Parse(f[0], CultureInfo.InvariantCulture)).First()[0];
        Assert.Contains($"best.npz (step {int.Parse(bestStep, CultureInfo.InvariantCulture) + 1})", run.Out);
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
    [InlineData("error: --lr must be positive, got -0.1", "--lr", "-0.1")]
    [InlineData("error: --batch must be positive, got 0", "--batch", "0")]
    [InlineData("error: --steps must be 0 or positive, got -3", "--steps", "-3")]
    [InlineData("error: unknown BLAS backend 'cuda' (choose auto, mkl, openblas, simd, managed)", "--blas", "cuda")]
    [InlineData("error: --optimizer must be one of sgd, momentum, nesterov, adam, adamw; got 'rmsprop'", "--optimizer", "rmsprop")]
    [InlineData("error: --momentum must be in [0, 1), got 1.5", "--optimizer", "momentum", "--momentum", "1.5")]
    [InlineData("error: --momentum is for --optimizer momentum or nesterov, not adam", "--optimizer", "adam", "--momentum", "0.9")]
    [InlineData("error: --betas must be two numbers in [0, 1) like 0.9,0.999; got '1,2'", "--optimizer", "adam", "--betas", "1,2")]
    [InlineData("error: --betas must be two numbers in [0, 1) like 0.9,0.999; got '0.9'", "--optimizer", "adamw", "--betas", "0.9")]
    [InlineData("error: --betas and --eps are for --optimizer adam or adamw, not nesterov", "--optimizer", "nesterov", "--eps", "1e-6")]
    [InlineData("error: --weight-decay must be 0 or positive, got -0.01", "--weight-decay", "-0.01")]
    [InlineData("error: --weight-decay must be 0 or positive, got -1", "--optimizer", "adamw", "--weight-decay", "-1")]
    [InlineData("error: --eps must be 0 or positive, got -1", "--optimizer", "adam", "--eps", "-1")]
    [InlineData("error: --lr-schedule must be one of constant, step, cosine, onecycle; got 'linear'", "--lr-schedule", "linear")]
    [InlineData("error: --lr-schedule step needs --step-size N with N > 0, got 0", "--lr-schedule", "step")]
    [InlineData("error: --gamma is for --lr-schedule step", "--gamma", "0.5")]
    [InlineData("error: --warmup-steps does not apply to onecycle, which warms up by itself (its first 30% of steps)", "--lr-schedule", "onecycle", "--warmup-steps", "10")]
    [InlineData("error: --validation must be 0 or positive, got -5", "--validation", "-5")]
    [InlineData("error: --patience needs --validation N: the test set is never used to choose anything", "--patience", "3")]
    [InlineData("error: --steps and --epochs are two ways of saying how long: give one", "--steps", "5", "--epochs", "2")]
    [InlineData("error: --recipe must be one of seed, best, convnet; got 'fast'", "--recipe", "fast")]
    [InlineData("error: --resume continues a run and --init starts a new one from a checkpoint: give one", "--resume", "a", "--init", "b")]
    public void Bad_values_are_usage_errors_and_write_nothing(string message, params string[] options)
    {
        using var dir = new TempDirectory();
        var run = CliRun.Of(["train", "--data", dir.File("nowhere"), .. options, "--out", dir.File("run")]);
        Assert.Equal(2, run.ExitCode);
        Assert.Equal(message, run.ErrorLines[0]);
        Assert.False(Directory.Exists(dir.File("run")));
    }

    [Theory]
    [InlineData("error: --validation must be below the 300 training images, got 300", "--validation", "300")]
    [InlineData("error: --batch must be at most the 200 training images outside the validation split, got 250", "--validation", "100", "--batch", "250")]
    public void A_split_that_does_not_fit_the_training_set_is_a_usage_error(string message, params string[] options)
    {
        using var dir = new TempDirectory();
        var run = CliRun.Of(["train", "--data", FixtureData.Write(dir.File("data")), .. options, "--out", dir.File("run")]);
        Assert.Equal(2, run.ExitCode);
        Assert.Equal(message, run.ErrorLines[^1]);
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
