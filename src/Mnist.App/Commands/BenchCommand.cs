using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using MathNet.Numerics.LinearAlgebra;
using Mnist.App.Cli;
using Mnist.App.Model;
using Mnist.Training;

namespace Mnist.App.Commands;

/// <summary>
/// <c>mnist bench</c>: the original workload (by default 10,000 steps of 32, the test set every 50
/// steps) timed without writing anything, then one-call inference over the test set and
/// one-image latency, as the anchors in ../shared/anchors measure them. With <c>--arch convnet</c>, the
/// convnet anchor's workload: epochs of 128 shuffled images with Adam 1e-3 (by default one epoch, no evaluation).
/// </summary>
public sealed class BenchCommand : ICommandDefinition
{
    private readonly Option<bool> _json = SharedOptions.Json();
    private readonly Option<string> _arch = SharedOptions.Architecture();
    private readonly Option<int?> _steps = new("--steps") { Description = "Training steps (default 10,000 for mlp; one epoch, 469, for convnet)" };
    private readonly Option<int?> _evalEvery = new("--eval-every") { Description = "Evaluate every N steps (0: never; default 50 for mlp, 0 for convnet)" };
    private readonly Option<int> _seed = new("--seed") { Description = "Seed", DefaultValueFactory = _ => 0 };
    private readonly Option<string?> _data = SharedOptions.Data();
    private readonly Option<string?> _optimizer = new("--optimizer") { Description = "The optimizer of every step, at its defaults: sgd (lr 0.1, the mlp's default), momentum, nesterov, adam (the convnet's) or adamw (lr 1e-3)" };
    private readonly Option<bool> _onnx = new("--onnx") { Description = "Also time ONNX Runtime (default CPU provider, 1 and 2 threads) running our exported model: the test set in one call, one image" };
    private readonly Option<bool> _denseInputs = new("--dense-inputs") { Description = "Multiply every input, zeros included (measures the dense BLAS path)" };
    private readonly ComputeOptions _compute = new();

    /// <inheritdoc />
    public Command Build(CommandBinder binder)
    {
        var command = new Command("bench", "Time the original workload, evaluation and inference") { _json, _arch, _steps, _evalEvery, _seed, _data, _optimizer, _onnx, _denseInputs };
        _optimizer.AcceptOnlyFromAmong([.. TrainingRecipe.Optimizers]);
        _compute.AddTo(command);
        binder.Bind(command, Run);
        return command;
    }

    private int Run(CommandContext context)
    {
        bool json = context.Get(_json);
        var quiet = context.ForJson(json);
        var data = DatasetLocator.Load(quiet, context.Get(_data));
        string arch = context.Get(_arch)!;
        var recipe = TrainingRecipe.DefaultFor(arch);
        var network = Architectures.Create(arch, context.Get(_seed));
        var selection = _compute.Apply(quiet, network, recipe.Batch, sparseInputs: !context.Get(_denseInputs));
        int threads = context.Get(_compute.Threads);
        var options = new TrainingOptions
        {
            BatchSize = recipe.Batch,
            Steps = context.Get(_steps) ?? (recipe.Epochs is null ? recipe.Steps : (data.Train.Count + recipe.Batch - 1) / recipe.Batch),
            Shuffle = recipe.Shuffle,
            EvalEvery = context.Get(_evalEvery) ?? (arch == "convnet" ? 0 : recipe.EvalEvery),
            Seed = context.Get(_seed),
            EvalThreads = threads,
            SkipZeroInputs = !context.Get(_denseInputs),
        };
        try { options.Validate(data.Train.Count, network.InputSize); }
        catch (ArgumentException e) { throw new UsageException(e.Message); }

        var optimizer = recipe.WithOptimizer(context.Get(_optimizer) ?? recipe.Optimizer).CreateOptimizer();
        var trainer = new Trainer(network, data, options with { LearningRate = optimizer.LearningRate }, optimizer: optimizer);
        var loop = Stopwatch.StartNew();
        var result = trainer.Run(context.Cancellation);
        double loopSeconds = loop.Elapsed.TotalSeconds;
        double peakRss = PeakRssMegabytes(); // of training, before the inference measurements load the whole test set as floats
        double accuracy = trainer.Evaluator.Accuracy();
        var (batchMs, singleUs) = Inference(network, data.Test, options.SkipZeroInputs);

        var record = new Dictionary<string, object>
        {
            ["arch"] = arch,
            ["blas"] = selection.Backend.Name,
            ["optimizer"] = optimizer.Name,
            ["threads"] = threads,
            ["skip_zero_inputs"] = options.SkipZeroInputs,
            ["steps"] = result.StepsDone,
            ["evals"] = trainer.History.Rows.Count,
            ["batch"] = options.BatchSize,
            ["us_per_step"] = Math.Round(result.TrainSeconds * 1e6 / Math.Max(1, result.StepsDone), 1),
            ["epoch_s"] = Math.Round(result.TrainSeconds / Math.Max(1, result.StepsDone) * ((data.Train.Count + options.BatchSize - 1) / options.BatchSize), 3),
            ["train_s"] = Math.Round(result.TrainSeconds, 3),
            ["eval_s"] = Math.Round(result.EvalSeconds, 3),
            ["loop_s"] = Math.Round(loopSeconds, 3),
            ["alloc_bytes_per_step"] = result.WarmSteps == 0 ? 0 : (double)result.WarmStepAllocatedBytes / result.WarmSteps,
            ["peak_rss_mb"] = Math.Round(peakRss, 1),
            ["final_accuracy"] = accuracy,
            ["infer_batch_ms"] = Math.Round(batchMs, 3),
            ["infer_single_us"] = Math.Round(singleUs, 2),
        };
        if (context.Get(_onnx))
        {
            var bytes = new MemoryStream();
            Onnx.OnnxExport.Write(network, bytes);
            foreach (int t in new[] { 1, 2 })
            {
                using var onnx = OnnxModel.FromBytes(bytes.ToArray(), t);
                var (onnxBatch, onnxSingle, onnxAccuracy) = OnnxInference(onnx, data.Test);
                record[$"onnx_t{t}_batch_ms"] = Math.Round(onnxBatch, 3);
                record[$"onnx_t{t}_single_us"] = Math.Round(onnxSingle, 2);
                record[$"onnx_t{t}_accuracy"] = onnxAccuracy;
            }
        }
        if (json)
        {
            context.Out.WriteLine(JsonSerializer.Serialize(record));
            return ExitCodes.Success;
        }
        foreach (var (key, value) in record)
            context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{key,-22} {value}"));
        return ExitCodes.Success;
    }

    /// <summary>Median of 20 one-call predictions of the whole split (through <see cref="Predictor"/>, as a program would), and of 1,000 one-image predictions.</summary>
    private static (double BatchMs, double SingleUs) Inference(INetwork network, Data.MnistSplit test, bool skipZeros)
    {
        var all = Matrix<float>.Build.Dense(network.InputSize, test.Count);
        var labels = new int[test.Count];
        var predictions = new int[test.Count];
        var predictor = new Predictor(network) { SkipZeroInputs = skipZeros };
        BatchLoader.LoadRange(test, 0, all, labels);
        var one = Matrix<float>.Build.Dense(network.InputSize, 1);
        var single = network.CreateWorkspace(1);
        single.SkipZeroInputs = skipZeros;
        var prediction = new int[1];
        return Time(test, () => predictor.Predict(all, predictions), image =>
        {
            BatchLoader.Scale(test.Image(image), Kernels.Gemm.Values(one));
            network.Predict(one, prediction, single);
        });
    }

    /// <summary>ONNX Runtime timed as we time ourselves (<see cref="Time"/>), and its accuracy.</summary>
    private static (double BatchMs, double SingleUs, double Accuracy) OnnxInference(OnnxModel onnx, Data.MnistSplit test)
    {
        var all = Matrix<float>.Build.Dense(784, test.Count);
        var labels = new int[test.Count];
        BatchLoader.LoadRange(test, 0, all, labels);
        var pixels = Kernels.Gemm.Values(all);
        float[] scores = [];
        var one = new float[784];
        var (batchMs, singleUs) = Time(test, () => scores = onnx.Run(pixels, test.Count), image =>
        {
            BatchLoader.Scale(test.Image(image), one);
            onnx.Run(one, 1);
        });
        int correct = 0;
        for (int n = 0; n < test.Count; n++)
            if (System.Numerics.Tensors.TensorPrimitives.IndexOfMax<float>(scores.AsSpan(n * onnx.Classes, onnx.Classes)) == labels[n]) correct++;
        return (batchMs, singleUs, (double)correct / test.Count);
    }

    // the one protocol for every engine: the median of 20 calls over the whole split after 3 warm-ups, and of
    // 1,000 one-image calls (image preparation included) after 50
    private static (double BatchMs, double SingleUs) Time(Data.MnistSplit test, Action batch, Action<int> single)
    {
        var batches = new double[20];
        for (int r = -3; r < batches.Length; r++)
        {
            long start = Stopwatch.GetTimestamp();
            batch();
            if (r >= 0) batches[r] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        var latencies = new double[1000];
        for (int r = -50; r < latencies.Length; r++)
        {
            int image = (r + 50) % test.Count;
            long start = Stopwatch.GetTimestamp();
            single(image);
            if (r >= 0) latencies[r] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }
        return (Median(batches), Median(latencies));
    }

    private static double Median(double[] values)
    {
        Array.Sort(values);
        return values[values.Length / 2];
    }

    private static double PeakRssMegabytes()
    {
        foreach (string line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
        return double.NaN;
    }
}
