using System.CommandLine;
using System.Globalization;
using Mnist.App.Cli;
using Mnist.App.Model;
using Mnist.App.Rendering;
using Mnist.IO;
using Mnist.Training;
using Spectre.Console;

namespace Mnist.App.Commands;

/// <summary>
/// <c>mnist train</c>: the original program by default (SGD lr 0.1, 10,000 steps of 32 samples with
/// replacement, test accuracy every 50 steps), writing model.npz, history.csv, accuracy.png and grid.png.
/// </summary>
public sealed class TrainCommand : ICommandDefinition
{
    private readonly Option<string?> _data = SharedOptions.Data();
    private readonly Option<float> _lr = new("--lr") { Description = "Learning rate", DefaultValueFactory = _ => 0.1f };
    private readonly Option<int> _batch = new("--batch") { Description = "Samples per step", DefaultValueFactory = _ => 32 };
    private readonly Option<int> _steps = new("--steps") { Description = "Training steps", DefaultValueFactory = _ => 10_000 };
    private readonly Option<int?> _epochs = new("--epochs") { Description = "Train for this many shuffled passes instead of --steps" };
    private readonly Option<bool> _shuffle = new("--shuffle") { Description = "Shuffled epochs instead of sampling with replacement" };
    private readonly Option<int> _evalEvery = new("--eval-every") { Description = "Evaluate the test set every N steps (0: never)", DefaultValueFactory = _ => 50 };
    private readonly Option<int> _seed = new("--seed") { Description = "Seed of the initial parameters and the batch order", DefaultValueFactory = _ => 0 };
    private readonly Option<string?> _out = SharedOptions.NonEmpty(new Option<string?>("--out") { Description = "Output directory (default: runs/<timestamp>)" });
    private readonly Option<string?> _resume = SharedOptions.NonEmpty(new Option<string?>("--resume") { Description = "Continue the run in this directory (its model.npz and history.csv)" });
    private readonly ComputeOptions _compute = new();

    /// <inheritdoc />
    public Command Build(CommandBinder binder)
    {
        var command = new Command("train", "Train the digit classifier (defaults: the original PyTorch program)")
        {
            _data, _lr, _batch, _steps, _epochs, _shuffle, _evalEvery, _seed, _out, _resume,
        };
        _compute.AddTo(command);
        binder.Bind(command, Run);
        return command;
    }

    private int Run(CommandContext context)
    {
        var options = new TrainingOptions
        {
            LearningRate = context.Get(_lr),
            BatchSize = context.Get(_batch),
            Steps = context.Get(_steps),
            Epochs = context.Get(_epochs),
            Shuffle = context.Get(_shuffle),
            EvalEvery = context.Get(_evalEvery),
            Seed = context.Get(_seed),
            EvalThreads = context.Get(_compute.Threads),
        };
        try { options.Validate(); }
        catch (ArgumentException e) { throw new UsageException(e.Message); }

        string? resume = context.Get(_resume);
        string output = Path.GetFullPath(context.Get(_out) ?? resume ?? Path.Combine("runs", DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)));
        // outputs are checked before any work: a run must not train for minutes and then fail to save
        if (File.Exists(output)) throw new MnistDataException(output, "is a file; --out names the run directory to write");
        var network = new DigitClassifier(options.Seed);
        var (history, startStep) = resume is null ? (new TrainingHistory(), 0) : Resume(resume, network);

        var run = Train(context, network, options, history, startStep, output);

        // Drawing comes after the dataset and the evaluation buffers are released (Train's locals):
        // the charting libraries then reuse that memory instead of adding to the peak.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        Directory.CreateDirectory(output);
        Checkpoint.Save(Path.Combine(output, "model.npz"), network, new CheckpointInfo(network.Architecture, run.Result.StepsDone, options.Seed));
        run.History.Save(Path.Combine(output, "history.csv"));
        AtomicFile.WriteAllBytes(Path.Combine(output, "accuracy.png"), AccuracyChart.Render(run.History, $"{network.Architecture}, SGD lr {options.LearningRate.ToString(CultureInfo.InvariantCulture)}, batch {options.BatchSize}"));
        AtomicFile.WriteAllBytes(Path.Combine(output, "grid.png"), GridRenderer.Render(run.Cells));
        var (result, accuracy, loss) = (run.Result, run.Accuracy, run.Loss);

        context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"final test accuracy {accuracy * 100:F2}% (loss {loss:F4}) after {result.StepsDone:N0} steps; training {result.TrainSeconds:F2} s, evaluation {result.EvalSeconds:F2} s"));
        context.Out.WriteLine($"wrote {Path.Combine(output, "model.npz")}, history.csv, accuracy.png, grid.png");
        if (result.DivergedAtStep is int diverged)
        {
            context.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"error: the training loss became non-finite (NaN or infinite) at step {diverged}: the learning rate {options.LearningRate} is too high for this network; model.npz holds the last finite parameters, after {result.StepsDone} steps"));
            return ExitCodes.Failure;
        }
        if (!result.Interrupted) return ExitCodes.Success;
        context.Error.WriteLine($"interrupted at step {result.StepsDone}; the checkpoint and history are saved (resume with --resume {output})");
        return context.Interruption.ExitCode;
    }

    /// <summary>What a finished run leaves for the output files.</summary>
    private sealed record FinishedRun(TrainingResult Result, TrainingHistory History, List<GridCell> Cells, double Accuracy, double Loss);

    private FinishedRun Train(CommandContext context, DigitClassifier network, TrainingOptions options, TrainingHistory history, int startStep, string output)
    {
        var data = DatasetLocator.Load(context, context.Get(_data));
        try { options.Validate(data.Train.Count, DigitClassifier.InputSize); }
        catch (ArgumentException e) { throw new UsageException(e.Message); }
        if (data.Test.Count == 0) throw new MnistDataException(context.Get(_data) ?? "MNIST", "the test split holds no images to evaluate");
        _compute.Apply(context, network, options.BatchSize);
        int total = options.TotalSteps(data.Train.Count);
        string sampling = options.Shuffle || options.Epochs is not null ? "shuffled epochs" : "sampling with replacement";
        context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"training {network.Architecture} on {data.Train.Count:N0} images: lr {options.LearningRate}, batch {options.BatchSize}, steps {startStep:N0}..{total:N0} ({sampling}), seed {options.Seed} -> {output}"));

        var trainer = new Trainer(network, data, options, history, startStep);
        var result = context.Interactive ? RunWithProgress(context, trainer, startStep, total) : RunPlain(context, trainer);
        var final = trainer.Evaluator.Evaluate();
        double loss = final.Loss, accuracy = final.Accuracy;
        var cells = GridSelection.Choose(data.Test, trainer.Evaluator, 25, options.Seed, errorsOnly: false);
        return new FinishedRun(result, trainer.History, cells, accuracy, loss);
    }

    private static (TrainingHistory History, int StartStep) Resume(string directory, DigitClassifier network)
    {
        string model = Path.Combine(directory, "model.npz");
        if (!File.Exists(model)) throw new MnistDataException(model, "cannot resume: no model.npz in the run directory");
        var info = Checkpoint.Load(model, network);
        string historyPath = Path.Combine(directory, "history.csv");
        var history = File.Exists(historyPath) ? TrainingHistory.Load(historyPath) : new TrainingHistory();
        int start = info?.Step ?? (history.Rows.Count > 0 ? history.Rows[^1].Step + 1 : 0);
        return (history, start);
    }

    private static TrainingResult RunPlain(CommandContext context, Trainer trainer)
    {
        trainer.OnEvaluation = row => context.Out.WriteLine(Line(row));
        return trainer.Run(context.Cancellation);
    }

    private static TrainingResult RunWithProgress(CommandContext context, Trainer trainer, int startStep, int total)
    {
        TrainingResult? result = null;
        context.Console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(progress =>
            {
                var task = progress.AddTask("training", maxValue: total);
                task.Value = startStep;
                trainer.OnEvaluation = row =>
                {
                    context.Console.WriteLine(Line(row));
                    task.Description = string.Create(CultureInfo.InvariantCulture, $"accuracy {row.TestAccuracy * 100:F2}%");
                };
                trainer.OnStep = done =>
                {
                    if (done % 100 == 0) task.Value = done;
                };
                result = trainer.Run(context.Cancellation);
                task.Value = result.StepsDone;
            });
        return result!;
    }

    private static string Line(HistoryRow row) =>
        string.Create(CultureInfo.InvariantCulture, $"step {row.Step,5}  accuracy {row.TestAccuracy * 100:F2}%  loss {row.TrainLoss:F4}");
}
