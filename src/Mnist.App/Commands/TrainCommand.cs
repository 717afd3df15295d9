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
/// replacement, test accuracy every 50 steps), or any recipe of optimizers, schedules, validation and
/// augmentation (<see cref="TrainingRecipe"/>), writing model.npz, optimizer.npz, history.csv,
/// accuracy.png and grid.png (and best.npz with a validation split).
/// </summary>
public sealed class TrainCommand : ICommandDefinition
{
    private readonly Option<string?> _data = SharedOptions.Data();
    private readonly Option<int> _seed = new("--seed") { Description = "Seed of the initial parameters, the batch order and the augmentation", DefaultValueFactory = _ => 0 };
    private readonly Option<string?> _out = SharedOptions.NonEmpty(new Option<string?>("--out") { Description = "Output directory (default: runs/<timestamp>)" });
    private readonly Option<string?> _resume = SharedOptions.NonEmpty(new Option<string?>("--resume") { Description = "Continue the run in this directory (its model.npz, optimizer.npz and history.csv) with the same options; --steps stays the total" });
    private readonly Option<string?> _init = SharedOptions.NonEmpty(new Option<string?>("--init") { Description = "Start from the weights of this checkpoint, with a fresh optimizer (fine-tuning)" });
    private readonly Option<string> _arch = SharedOptions.Architecture();
    private readonly TrainingRecipeOptions _recipe = new();
    private readonly ComputeOptions _compute = new();

    /// <inheritdoc />
    public Command Build(CommandBinder binder)
    {
        var command = new Command("train", "Train the digit classifier (defaults: the original PyTorch program)") { _data, _arch, _seed, _out, _resume, _init };
        _recipe.AddTo(command);
        _compute.AddTo(command);
        binder.Bind(command, Run);
        return command;
    }

    private int Run(CommandContext context)
    {
        string arch = context.Get(_arch)!;
        var recipe = _recipe.Resolve(context, arch);
        int seed = context.Get(_seed);
        var options = recipe.ToOptions(seed, context.Get(_compute.Threads));
        try { options.Validate(); }
        catch (ArgumentException e) { throw new UsageException(e.Message); }

        string? resume = context.Get(_resume), init = context.Get(_init);
        if (resume is not null && init is not null) throw new UsageException("--resume continues a run and --init starts a new one from a checkpoint: give one");
        string output = Path.GetFullPath(context.Get(_out) ?? resume ?? Path.Combine("runs", DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)));
        // outputs are checked before any work: a run must not train for minutes and then fail to save
        if (File.Exists(output)) throw new MnistDataException(output, "is a file; --out names the run directory to write");
        var network = Architectures.Create(arch, seed);
        var optimizer = recipe.CreateOptimizer();
        var (history, startStep, pending, trainedWith) = resume is not null ? Resume(resume, arch, network, optimizer) : (new TrainingHistory(), 0, default, null);
        if (init is not null)
        {
            RequireArchitecture(init, arch, "--init");
            ModelFiles.LoadInto(init, network);
        }

        if (recipe.Name != "seed" || arch != "mlp" || context.Verbose) context.Out.WriteLine($"recipe {recipe.Name}: {recipe.Describe()}");
        var run = Train(context, network, recipe, options, optimizer, history, startStep, pending, output, trainedWith);

        // Drawing comes after the dataset and the evaluation buffers are released (Train's locals):
        // the charting libraries then reuse that memory instead of adding to the peak.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        Directory.CreateDirectory(output);
        var info = new CheckpointInfo(network.Architecture, run.Result.StepsDone, seed);
        Checkpoint.Save(Path.Combine(output, "model.npz"), network, info);
        OptimizerState.Save(Path.Combine(output, "optimizer.npz"), optimizer, network, run.Result.Pending, run.Backend);
        if (run.Best is not null) Checkpoint.Save(Path.Combine(output, "best.npz"), run.Best, info with { Step = run.Result.BestStep ?? info.Step });
        run.History.Save(Path.Combine(output, "history.csv"));
        string title = $"{network.Architecture}, {recipe.Optimizer} lr {recipe.LearningRate.ToString(CultureInfo.InvariantCulture)} ({recipe.Schedule}), batch {recipe.Batch}{(recipe.Augment ? ", augmented" : "")}";
        AtomicFile.WriteAllBytes(Path.Combine(output, "accuracy.png"), AccuracyChart.Render(run.History, title));
        AtomicFile.WriteAllBytes(Path.Combine(output, "grid.png"), GridRenderer.Render(run.Cells));
        var (result, accuracy, loss) = (run.Result, run.Accuracy, run.Loss);

        context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"final test accuracy {accuracy * 100:F2}% (loss {loss:F4}) after {result.StepsDone:N0} steps; training {result.TrainSeconds:F2} s, evaluation {result.EvalSeconds:F2} s"));
        context.Out.WriteLine($"wrote {Path.Combine(output, "model.npz")}, optimizer.npz, {(run.Best is null ? "" : $"best.npz (step {result.BestStep}), ")}history.csv, accuracy.png, grid.png");
        if (result.StoppedEarly) context.Out.WriteLine($"stopped early: the validation accuracy had not improved for {recipe.Patience} evaluations");
        if (result.DivergedAtStep is int diverged)
        {
            context.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"error: the training loss became non-finite (NaN or infinite) at step {diverged}: the learning rate {recipe.LearningRate} is too high for this network; model.npz holds the last finite parameters, after {result.StepsDone} steps"));
            return ExitCodes.Failure;
        }
        if (!result.Interrupted) return ExitCodes.Success;
        context.Error.WriteLine($"interrupted at step {result.StepsDone}; the checkpoint, optimizer state and history are saved (resume with --resume {output} and the same options)");
        return context.Interruption.ExitCode;
    }

    /// <summary>What a finished run leaves for the output files.</summary>
    private sealed record FinishedRun(TrainingResult Result, TrainingHistory History, List<GridCell> Cells, double Accuracy, double Loss, INetwork? Best, string Backend);

    private FinishedRun Train(CommandContext context, INetwork network, TrainingRecipe recipe, TrainingOptions options, Optimizer optimizer,
        TrainingHistory history, int startStep, PendingLoss pending, string output, string? trainedWith)
    {
        var data = DatasetLocator.Load(context, context.Get(_data));
        TrainingRecipeOptions.CheckAgainst(recipe, data.Train.Count);
        try { options.Validate(data.Train.Count, network.InputSize); }
        catch (ArgumentException e) { throw new UsageException(e.Message); }
        if (data.Test.Count == 0) throw new MnistDataException(context.Get(_data) ?? "MNIST", "the test split holds no images to evaluate");
        var blas = _compute.Apply(context, network, options.BatchSize, continuing: trainedWith);
        int total = options.TotalSteps(data.Train.Count);
        string sampling = options.Shuffle || options.Epochs is not null ? "shuffled epochs" : "sampling with replacement";
        context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"training {network.Architecture} on {data.Train.Count - options.Validation:N0} images{(options.Validation > 0 ? $" (and {options.Validation:N0} held out to validate)" : "")}: {optimizer.Name}, lr {recipe.LearningRate} ({recipe.CreateSchedule(total).Describe()}), batch {options.BatchSize}, steps {startStep:N0}..{total:N0} ({sampling}{(options.Augment ? ", augmented" : "")}), seed {options.Seed} -> {output}"));

        var trainer = new Trainer(network, data, options, history, startStep, optimizer, recipe.CreateSchedule(total)) { ContinuedLoss = pending };
        var result = context.Interactive ? RunWithProgress(context, trainer, startStep, total) : RunPlain(context, trainer);
        var final = trainer.Evaluator.Evaluate();
        var cells = GridSelection.Choose(data.Test, trainer.Evaluator, 25, options.Seed, errorsOnly: false);
        return new FinishedRun(result, trainer.History, cells, final.Accuracy, final.Loss, trainer.Best, blas.Backend.Name);
    }

    private static (TrainingHistory History, int StartStep, PendingLoss Pending, string? TrainedWith) Resume(string directory, string arch, INetwork network, Optimizer optimizer)
    {
        string model = Path.Combine(directory, "model.npz");
        if (!File.Exists(model)) throw new MnistDataException(model, "cannot resume: no model.npz in the run directory");
        RequireArchitecture(model, arch, "--resume");
        var info = Checkpoint.Load(model, network);
        string historyPath = Path.Combine(directory, "history.csv");
        var history = File.Exists(historyPath) ? TrainingHistory.Load(historyPath) : new TrainingHistory();
        int start = info?.Step ?? (history.Rows.Count > 0 ? history.Rows[^1].Step + 1 : 0);
        string state = Path.Combine(directory, "optimizer.npz");
        if (File.Exists(state))
        {
            var pending = OptimizerState.Load(state, optimizer, network);
            // the two files are written one after the other: a run killed between them leaves them from different steps
            if (optimizer.Steps != start)
                throw new MnistDataException(state, $"is the state after {optimizer.Steps} steps, but model.npz is after {start}: they are not from the same moment of the run");
            return (history, start, pending, OptimizerState.BackendOf(state));
        }
        if (start > 0 && optimizer is not Sgd { Momentum: 0 })
            throw new MnistDataException(state, $"cannot resume {optimizer.Name} exactly: the run directory has no optimizer state");
        return (history, start, default, null);
    }

    // a checkpoint of the other architecture is named as such, not listed key by key
    private static void RequireArchitecture(string path, string arch, string option)
    {
        if (!File.Exists(path)) return; // the load says so
        // exactly the other architecture's keys; anything else is the load's mismatch error, listing the keys
        if (Architectures.NameFor(path, out var keys) is { } found && found != arch && Architectures.KeysOf(found).SetEquals(keys))
            throw new UsageException($"{option} {path} holds the {found} network, but this run trains --arch {arch}; give --arch {found} or another checkpoint");
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
                var task = progress.AddTask("training", maxValue: Math.Max(1, total));
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
        string.Create(CultureInfo.InvariantCulture, $"step {row.Step,5}  accuracy {row.TestAccuracy * 100:F2}%  loss {row.TrainLoss:F4}")
        + (row.ValidationAccuracy is double validation ? string.Create(CultureInfo.InvariantCulture, $"  validation {validation * 100:F2}% (loss {row.ValidationLoss:F4})") : "")
        + (double.IsNaN(row.LearningRate) ? "" : string.Create(CultureInfo.InvariantCulture, $"  lr {(float)row.LearningRate:G4}"));
}
