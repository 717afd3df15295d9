using System.Text.Json;
using Mnist.Data;
using Mnist.Data.Npy;

namespace Mnist.App.Tests;

/// <summary>Hostile and unlucky command lines: every failure is one line naming the file or option, nothing a user had is lost.</summary>
public class CliSafetyTests
{
    private static string TrainedModel(TempDirectory dir)
    {
        var run = CliRun.Of("train", "--data", FixtureData.Write(dir.File("data")), "--steps", "60", "--eval-every", "0", "--lr", "0.05", "--blas", "simd", "--out", dir.File("run"));
        Assert.Equal(0, run.ExitCode);
        return dir.File("run/model.npz");
    }

    [Fact]
    public void Convert_to_png_over_a_folder_of_other_files_is_refused_and_deletes_nothing()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.File("home/documents"));
        File.WriteAllText(dir.File("home/documents/letter.txt"), "dear");
        File.WriteAllText(dir.File("home/todo.txt"), "buy milk");

        var run = CliRun.Of("data", "convert", FixtureData.Write(dir.File("data")), "--to", "png", "--out", dir.File("home"));

        Assert.Equal(1, run.ExitCode);
        Assert.Equal([$"error: {dir.File("home")}: exists and is not a PNG dataset: refusing to write into it (choose a new or empty directory)"], run.ErrorLines);
        Assert.Equal("dear", File.ReadAllText(dir.File("home/documents/letter.txt")));
        Assert.Equal("buy milk", File.ReadAllText(dir.File("home/todo.txt")));
        Assert.Equal(2, Directory.EnumerateFileSystemEntries(dir.File("home")).Count());
    }

    [Fact]
    public void Ctrl_c_stops_convert_with_130_and_the_old_output_intact()
    {
        using var dir = new TempDirectory();
        string data = FixtureData.Write(dir.File("data"));
        Assert.Equal(0, CliRun.Of("data", "convert", data, "--to", "png", "--out", dir.File("png")).ExitCode);
        var before = Directory.GetFiles(dir.File("png"), "*", SearchOption.AllDirectories).Select(f => (f, File.ReadAllBytes(f))).ToList();
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        var output = new StringWriter();
        var error = new StringWriter();

        int code = Mnist.App.Cli.MnistCli.Run(["data", "convert", data, "--to", "png", "--out", dir.File("png"), "--keys", "keras"], output, error, cancelled.Token);

        Assert.Equal(130, code);
        Assert.Equal("error: interrupted; no file was left half-written\n", error.ToString().Replace("\r", ""));
        Assert.All(before, f => Assert.Equal(f.Item2, File.ReadAllBytes(f.f)));
        Assert.Equal(before.Count, Directory.GetFiles(dir.File("png"), "*", SearchOption.AllDirectories).Length);
    }

    [Fact]
    public void Train_with_out_naming_a_file_fails_before_training_and_keeps_the_file()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("results"), "keep me");
        var run = CliRun.Of("train", "--data", FixtureData.Write(dir.File("data")), "--steps", "100000", "--blas", "simd", "--out", dir.File("results"));
        Assert.Equal(1, run.ExitCode);
        Assert.Equal([$"error: {dir.File("results")}: is a file; --out names the run directory to write"], run.ErrorLines);
        Assert.DoesNotContain("step ", run.Out);
        Assert.Equal("keep me", File.ReadAllText(dir.File("results")));
    }

    [Theory]
    [InlineData("train", "--out")]
    [InlineData("grid", "--out")]
    [InlineData("convert", "--out")]
    [InlineData("eval", "--model")]
    public void An_empty_path_is_a_usage_error_naming_the_option(string command, string option)
    {
        string[] args = command switch
        {
            "train" => ["train", "--out", ""],
            "grid" => ["grid", "--model", "m.npz", "--out", ""],
            "convert" => ["data", "convert", "--to", "png", "--out", ""],
            _ => ["eval", "--model", ""],
        };
        var run = CliRun.Of(args);
        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"error: {option} must not be empty", run.ErrorLines[0]);
    }

    [Theory]
    [InlineData("301")]
    [InlineData("1000000")]
    [InlineData("100000000")]
    public void A_batch_larger_than_the_training_set_is_a_usage_error(string batch)
    {
        using var dir = new TempDirectory();
        var run = CliRun.Of("train", "--data", FixtureData.Write(dir.File("data")), "--batch", batch, "--blas", "simd", "--out", dir.File("run"));
        Assert.Equal(2, run.ExitCode);
        Assert.Equal([$"error: --batch must be at most the 300 training images, got {batch}"], run.ErrorLines);
        Assert.False(Directory.Exists(dir.File("run")));
    }

    [Theory]
    [InlineData("--steps", "10")]
    [InlineData("--epochs", "2")]
    public void A_training_set_with_no_images_is_one_error_line(string option, string value)
    {
        using var dir = new TempDirectory();
        IdxDataset.Write(dir.File("empty"), new MnistDataset(new MnistSplit([], []), LearnableData.Split(10, 2)));
        var run = CliRun.Of("train", "--data", dir.File("empty"), option, value, "--blas", "simd", "--out", dir.File("run"));
        Assert.Equal(2, run.ExitCode);
        Assert.Equal(["error: the training set holds no images"], run.ErrorLines);
    }

    [Fact]
    public void Predict_on_a_directory_says_it_is_a_directory()
    {
        using var dir = new TempDirectory();
        string model = TrainedModel(dir);
        var run = CliRun.Of("predict", "--model", model, dir.Path, "--blas", "simd");
        Assert.Equal(1, run.ExitCode);
        Assert.Equal([$"error: {dir.Path}: is a directory"], run.ErrorLines);
    }

    [Theory]
    [InlineData("eval")]
    [InlineData("predict")]
    [InlineData("grid")]
    public void A_model_with_nan_weights_is_refused_naming_the_key(string command)
    {
        using var dir = new TempDirectory();
        string model = TrainedModel(dir);
        var arrays = NpzArchive.Read(model);
        var bias = arrays["linear2.bias"].ToSingles();
        bias[4] = float.NaN;
        arrays["linear2.bias"] = NpyArray.FromSingles([10], bias);
        NpzArchive.Write(dir.File("nan.npz"), arrays, compress: false);
        string[] args = command switch
        {
            "eval" => ["eval", "--model", dir.File("nan.npz"), "--data", dir.File("data"), "--json"],
            "predict" => ["predict", "--model", dir.File("nan.npz"), dir.File("x.png"), "--json"],
            _ => ["grid", "--model", dir.File("nan.npz"), "--data", dir.File("data"), "--out", dir.File("g.png")],
        };

        var run = CliRun.Of(args);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal([$"error: {dir.File("nan.npz")}: linear2.bias holds a non-finite value (NaN) at [4]: the model diverged; it cannot be used"], run.ErrorLines);
        Assert.Equal("", run.Out);
    }

    [Fact]
    public void A_diverging_run_stops_with_1_names_the_step_and_keeps_finite_weights()
    {
        using var dir = new TempDirectory();
        var run = CliRun.Of("train", "--data", FixtureData.Write(dir.File("data")), "--lr", "1e30", "--steps", "500", "--eval-every", "50", "--blas", "simd", "--out", dir.File("run"));

        Assert.Equal(1, run.ExitCode);
        Assert.Single(run.ErrorLines);
        Assert.Matches(@"^error: the training loss became non-finite \(NaN or infinite\) at step \d+: the learning rate 1E\+30 is too high for this network; model.npz holds the last finite parameters, after \d+ steps$", run.ErrorLines[0]);
        var arrays = NpzArchive.Read(dir.File("run/model.npz"));
        Assert.All(arrays.Values, a => Assert.All(a.ToSingles(), v => Assert.True(float.IsFinite(v))));
        Assert.Equal(0, CliRun.Of("eval", "--model", dir.File("run/model.npz"), "--data", dir.File("data"), "--blas", "simd").ExitCode);
    }

    [Fact]
    public void Json_output_is_the_json_alone_and_verbose_puts_the_banner_on_stderr()
    {
        using var dir = new TempDirectory();
        string model = TrainedModel(dir);
        var quiet = CliRun.Of("eval", "--model", model, "--data", dir.File("data"), "--json", "--blas", "simd");
        Assert.Equal(0, quiet.ExitCode);
        using (JsonDocument.Parse(quiet.Out)) { }
        Assert.Equal("", quiet.Error);

        var verbose = CliRun.Of("eval", "--model", model, "--data", dir.File("data"), "--json", "--blas", "simd", "--verbose");
        using (JsonDocument.Parse(verbose.Out)) { }
        Assert.StartsWith("blas: simd", verbose.ErrorLines[0]);
    }

    [Fact]
    public void Without_json_the_banner_is_on_stdout_and_stderr_stays_empty()
    {
        using var dir = new TempDirectory();
        string model = TrainedModel(dir);
        var run = CliRun.Of("eval", "--model", model, "--data", dir.File("data"), "--blas", "simd");
        Assert.Equal(0, run.ExitCode);
        Assert.StartsWith("blas: simd", run.Out);
        Assert.Equal("", run.Error);
    }

    [Fact]
    public void A_killed_runs_temporaries_are_removed_by_the_next_run_writing_there()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.File("run"));
        File.WriteAllText(dir.File("run/.model.npz.9999999-1.tmp"), "half written");
        File.WriteAllText(dir.File("run/.history.csv.9999999-2.tmp"), "half written");
        var run = CliRun.Of("train", "--data", FixtureData.Write(dir.File("data")), "--steps", "20", "--eval-every", "0", "--blas", "simd", "--out", dir.File("run"));
        Assert.Equal(0, run.ExitCode);
        Assert.Empty(Directory.GetFiles(dir.File("run"), ".*"));
    }

    [Fact]
    public void Blas_mkl_either_runs_on_mkl_or_is_one_clear_error()
    {
        using var dir = new TempDirectory();
        string model = TrainedModel(dir);
        var run = CliRun.Of("eval", "--model", model, "--data", dir.File("data"), "--blas", "mkl");
        if (run.ExitCode == 0)
        {
            Assert.StartsWith("blas: mkl", run.Out);
            return;
        }
        Assert.Equal(1, run.ExitCode);
        Assert.Equal(["error: BLAS backend 'mkl' cannot load: libmkl_rt.so not found (Debian package libmkl-rt (in the non-free component)); install it with: sudo bash scripts/install-native.sh"], run.ErrorLines);
    }

    [Fact]
    public void An_unexpected_exception_is_one_error_line_and_the_trace_only_with_verbose()
    {
        var error = new StringWriter { NewLine = "\n" };
        int code = Mnist.App.Cli.CommandBinder.Report(error, new InvalidCastException("boom"), verbose: false);
        Assert.Equal(1, code);
        Assert.Equal("error: boom (InvalidCastException; run with --verbose for the stack trace)\n", error.ToString());
        var verbose = new StringWriter { NewLine = "\n" };
        Mnist.App.Cli.CommandBinder.Report(verbose, new Mnist.LinearAlgebra.BlasUnavailableException("BLAS backend 'mkl' cannot load: x"), verbose: true);
        Assert.StartsWith("error: BLAS backend 'mkl' cannot load: x; install it with: sudo bash scripts/install-native.sh\n", verbose.ToString());
        Assert.Contains("BlasUnavailableException", verbose.ToString());
    }

    [SkippableFact]
    public void A_full_disk_at_the_end_of_training_names_the_users_file_and_leaves_no_temporary()
    {
        using var disk = SmallDisk.Mount(kilobytes: 256);
        using var dir = new TempDirectory();
        disk.Fill();
        var run = CliRun.Of("train", "--data", FixtureData.Write(dir.File("data")), "--steps", "20", "--eval-every", "0", "--blas", "simd", "--out", disk.File("run"));
        Assert.Equal(1, run.ExitCode);
        Assert.Single(run.ErrorLines);
        Assert.Matches($"^error: {System.Text.RegularExpressions.Regex.Escape(disk.File("run"))}.*: no space left on device$", run.ErrorLines[0]);
        Assert.Empty(Directory.GetFiles(disk.Path, ".*", SearchOption.AllDirectories));
    }
}
