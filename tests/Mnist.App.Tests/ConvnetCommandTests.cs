using Mnist.Data.Npy;

namespace Mnist.App.Tests;

/// <summary>`--arch convnet` through every command: training with the anchor's recipe, checkpoints in PyTorch's layout, resume, and the other commands recognising the architecture from the file.</summary>
public sealed class ConvnetCommandTests
{
    private static string[] Recipe(string data) => ["--data", data, "--arch", "convnet", "--batch", "16", "--eval-every", "5", "--blas", "simd"];

    [Fact]
    public void Recipe_best_with_the_convnet_is_the_convnets_own()
    {
        using var dir = new TempDirectory();
        string data = FixtureData.Write(dir.File("data"));
        var run = CliRun.Of("train", "--data", data, "--arch", "convnet", "--recipe", "best", "--steps", "4", "--blas", "simd", "--out", dir.File("run"));
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("recipe best: --optimizer adam --lr 0.005 --betas 0.9,0.999 --eps 1E-08 --lr-schedule onecycle --batch 128 --steps 4 --shuffle --augment --eval-every 469", run.Out);
        Assert.Contains(": adam, lr 0.005 (onecycle), batch 128, steps 0..4 (shuffled epochs, augmented)", run.Out);
    }

    [Fact]
    public void Convnet_trains_with_the_anchors_recipe_and_saves_pytorchs_keys_and_shapes()
    {
        using var dir = new TempDirectory();
        string data = FixtureData.Write(dir.File("data"));
        var run = CliRun.Of(["train", .. Recipe(data), "--steps", "10", "--out", dir.File("run")]);
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("recipe convnet: --optimizer adam --lr 0.001 --betas 0.9,0.999 --eps 1E-08 --lr-schedule constant --batch 16 --steps 10", run.Out);
        Assert.Contains("training 1x28x28-conv32k3(ReLU)-maxpool2-conv64k3(ReLU)-maxpool2-flatten-dropout0.5-10 on 300 images: adam", run.Out);
        var model = NpzArchive.Read(dir.File("run/model.npz"));
        Assert.Equal(["conv1.bias", "conv1.weight", "conv2.bias", "conv2.weight", "fc.bias", "fc.weight"], model.Keys.Order());
        Assert.Equal([32, 1, 3, 3], model["conv1.weight"].Shape);
        Assert.Equal([64, 32, 3, 3], model["conv2.weight"].Shape);
        Assert.Equal([10, 1600], model["fc.weight"].Shape);
        Assert.Equal(["conv1.bias.exp_avg", "conv1.bias.exp_avg_sq"], NpzArchive.Read(dir.File("run/optimizer.npz")).Keys.Where(k => k.StartsWith("conv1.bias")).Order());

        // every command takes the checkpoint and says which network it holds
        var eval = CliRun.Of("eval", "--model", dir.File("run/model.npz"), "--data", data, "--blas", "simd");
        Assert.Equal(0, eval.ExitCode);
        Assert.Contains("1x28x28-conv32k3(ReLU)-maxpool2-conv64k3(ReLU)-maxpool2-flatten-dropout0.5-10 on 100 test images: accuracy ", eval.Out);
        var grid = CliRun.Of("grid", "--model", dir.File("run/model.npz"), "--data", data, "--out", dir.File("grid.png"), "--blas", "simd");
        Assert.Equal(0, grid.ExitCode);
        Assert.True(File.Exists(dir.File("grid.png")));
    }

    [Fact]
    public void A_resumed_convnet_run_with_dropout_ends_bit_identical_to_one_run()
    {
        using var dir = new TempDirectory();
        string data = FixtureData.Write(dir.File("data"));
        Assert.Equal(0, CliRun.Of(["train", .. Recipe(data), "--steps", "12", "--out", dir.File("one")]).ExitCode);
        Assert.Equal(0, CliRun.Of(["train", .. Recipe(data), "--steps", "5", "--out", dir.File("two")]).ExitCode);
        var resumed = CliRun.Of(["train", .. Recipe(data), "--steps", "12", "--resume", dir.File("two")]);
        Assert.Equal(0, resumed.ExitCode);
        Assert.Contains("steps 5..12", resumed.Out);
        foreach (var file in new[] { "model.npz", "optimizer.npz" })
            Assert.Equal(File.ReadAllBytes(dir.File($"one/{file}")), File.ReadAllBytes(dir.File($"two/{file}")));
    }

    [Fact]
    public void Resuming_or_starting_from_the_other_architecture_names_both()
    {
        using var dir = new TempDirectory();
        string data = FixtureData.Write(dir.File("data"));
        Assert.Equal(0, CliRun.Of("train", "--data", data, "--steps", "2", "--eval-every", "0", "--blas", "simd", "--out", dir.File("mlp")).ExitCode);
        Assert.Equal(0, CliRun.Of(["train", .. Recipe(data), "--steps", "2", "--out", dir.File("conv")]).ExitCode);

        var convOverMlp = CliRun.Of(["train", .. Recipe(data), "--steps", "4", "--resume", dir.File("mlp")]);
        Assert.Equal(2, convOverMlp.ExitCode);
        Assert.Contains("holds the mlp network, but this run trains --arch convnet", convOverMlp.Error);
        var mlpOverConv = CliRun.Of("train", "--data", data, "--steps", "4", "--blas", "simd", "--resume", dir.File("conv"));
        Assert.Equal(2, mlpOverConv.ExitCode);
        Assert.Contains("holds the convnet network, but this run trains --arch mlp", mlpOverConv.Error);
        var init = CliRun.Of(["train", .. Recipe(data), "--steps", "1", "--init", dir.File("mlp/model.npz"), "--out", dir.File("x")]);
        Assert.Equal(2, init.ExitCode);
        Assert.Contains("--init", init.Error);
        var unknown = CliRun.Of("train", "--arch", "lenet");
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("--arch must be one of mlp, convnet; got 'lenet'", unknown.Error);
    }

    [Fact]
    public void Bench_times_the_convnet()
    {
        using var dir = new TempDirectory();
        var run = CliRun.Of("bench", "--arch", "convnet", "--data", FixtureData.Write(dir.File("data")), "--steps", "3", "--json", "--blas", "simd");
        Assert.Equal(0, run.ExitCode);
        using var json = System.Text.Json.JsonDocument.Parse(run.Out);
        Assert.Equal("convnet", json.RootElement.GetProperty("arch").GetString());
        Assert.Equal(128, json.RootElement.GetProperty("batch").GetInt32());
        Assert.Equal("adam", json.RootElement.GetProperty("optimizer").GetString());
    }
}
