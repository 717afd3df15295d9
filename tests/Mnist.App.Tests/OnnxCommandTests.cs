using System.Text.Json;

namespace Mnist.App.Tests;

/// <summary>`mnist export`, and `eval` and `predict` running the exported model through ONNX Runtime with the same results as the checkpoint.</summary>
public sealed class OnnxCommandTests
{
    [Theory]
    [InlineData("mlp")]
    [InlineData("convnet")]
    public void An_exported_model_evaluates_and_predicts_as_its_checkpoint(string arch)
    {
        using var dir = new TempDirectory();
        string data = FixtureData.Write(dir.File("data"));
        Assert.Equal(0, CliRun.Of("train", "--data", data, "--arch", arch, "--steps", "30", "--batch", "16", "--eval-every", "0", "--blas", "simd", "--out", dir.File("run")).ExitCode);
        var export = CliRun.Of("export", "--model", dir.File("run/model.npz"), "--out", dir.File("model.onnx"));
        Assert.Equal(0, export.ExitCode);
        Assert.Contains("opset 13, output logits", export.Out);

        var ours = JsonDocument.Parse(CliRun.Of("eval", "--model", dir.File("run/model.npz"), "--data", data, "--json", "--blas", "simd").Out).RootElement;
        var onnx = CliRun.Of("eval", "--model", dir.File("model.onnx"), "--data", data, "--json");
        Assert.Equal(0, onnx.ExitCode);
        var theirs = JsonDocument.Parse(onnx.Out).RootElement;
        Assert.Equal("onnxruntime", theirs.GetProperty("blas").GetString());
        Assert.Equal(ours.GetProperty("accuracy").GetDouble(), theirs.GetProperty("accuracy").GetDouble());
        Assert.Equal(ours.GetProperty("loss").GetDouble(), theirs.GetProperty("loss").GetDouble(), 4);
        Assert.Equal(ours.GetProperty("confusion").ToString(), theirs.GetProperty("confusion").ToString());
        Assert.EndsWith("(ONNX)", theirs.GetProperty("architecture").GetString());

        // predict: the same digit and probabilities from both, for a test image drawn as a PNG
        string png = dir.File("digit.png");
        File.WriteAllBytes(png, FixtureData.TestDigitPng(data, 0));
        var a = JsonDocument.Parse(CliRun.Of("predict", "--model", dir.File("run/model.npz"), png, "--json", "--blas", "simd").Out).RootElement[0];
        var b = JsonDocument.Parse(CliRun.Of("predict", "--model", dir.File("model.onnx"), png, "--json").Out).RootElement[0];
        Assert.Equal(a.GetProperty("digit").GetInt32(), b.GetProperty("digit").GetInt32());
        Assert.Equal(a.GetProperty("confidence").GetDouble(), b.GetProperty("confidence").GetDouble(), 4);
    }

    [Fact]
    public void A_malformed_onnx_file_is_one_error_line_naming_it()
    {
        using var dir = new TempDirectory();
        string data = FixtureData.Write(dir.File("data"));
        File.WriteAllText(dir.File("text.onnx"), "not a model");
        Assert.Equal(0, CliRun.Of("train", "--data", data, "--steps", "2", "--eval-every", "0", "--blas", "simd", "--out", dir.File("run")).ExitCode);
        Assert.Equal(0, CliRun.Of("export", "--model", dir.File("run/model.npz"), "--out", dir.File("good.onnx")).ExitCode);
        var good = File.ReadAllBytes(dir.File("good.onnx"));
        File.WriteAllBytes(dir.File("truncated.onnx"), good[..(good.Length / 3)]);
        foreach (string name in new[] { "text.onnx", "truncated.onnx", "missing.onnx" })
        {
            var run = CliRun.Of("eval", "--model", dir.File(name), "--data", data);
            Assert.Equal(1, run.ExitCode);
            var line = Assert.Single(run.ErrorLines);
            Assert.StartsWith($"error: {dir.File(name)}: ", line);
        }
        var opset = CliRun.Of("export", "--model", dir.File("run/model.npz"), "--out", dir.File("x.onnx"), "--opset", "9");
        Assert.Equal(2, opset.ExitCode);
        Assert.Contains("--opset must be 13 to 17", opset.Error);
    }
}
