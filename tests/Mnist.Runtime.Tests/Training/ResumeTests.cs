using Mnist.Data;
using Mnist.Runtime.Tests.Modeling;
using Mnist.Training;

namespace Mnist.Runtime.Tests.Training;

/// <summary>
/// A run stopped and resumed — its weights, optimizer state (through <c>optimizer.npz</c>), history and
/// step — ends bit for bit where one uninterrupted run ends: for every optimizer, with augmentation, with
/// schedules over the whole run, stopped at any step.
/// </summary>
public sealed class ResumeTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("mnist-resume-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static readonly TrainingOptions Options = new() { Steps = 60, BatchSize = 16, EvalEvery = 10, LearningRate = 0.05f, Seed = 3, EvalChunk = 32, Validation = 40 };

    private static Optimizer Create(string name) => name switch
    {
        "sgd" => new Sgd(0.05f),
        "sgd-decay" => new Sgd(0.05f, weightDecay: 1e-3f),
        "momentum" => new Sgd(0.05f, 0.9f),
        "nesterov" => new Sgd(0.05f, 0.8f, 1e-3f, nesterov: true),
        "adam" => new Adam(3e-3f, weightDecay: 1e-3f),
        _ => new AdamW(3e-3f),
    };

    private static LearningRateSchedule Schedule(string name, double rate) => name switch
    {
        "onecycle" => LearningRateSchedule.OneCycle(rate, Options.Steps),
        "cosine" => LearningRateSchedule.Cosine(rate, Options.Steps).WithWarmup(7),
        "step" => LearningRateSchedule.Stepped(rate, 25, 0.5),
        _ => LearningRateSchedule.Constant(rate),
    };

    private sealed record Run(SeedNetwork Network, TrainingHistory History, Optimizer Optimizer);

    private static Run Uninterrupted(string optimizer, string schedule, TrainingOptions options)
    {
        var network = new SeedNetwork(3);
        var opt = Create(optimizer);
        var trainer = new Trainer(network, LearnableData.Dataset(), options, optimizer: opt, schedule: Schedule(schedule, opt.LearningRate));
        Assert.Equal(options.Steps, trainer.Run().StepsDone);
        return new Run(network, trainer.History, opt);
    }

    // stops after `stopAt` steps (a cancellation, as Ctrl+C), saves what mnist train saves and resumes from the files
    private Run StoppedAndResumed(string optimizer, string schedule, TrainingOptions options, int stopAt, bool cancel)
    {
        var network = new SeedNetwork(3);
        var opt = Create(optimizer);
        using var cancellation = new CancellationTokenSource();
        var first = new Trainer(network, LearnableData.Dataset(), cancel ? options : options with { Steps = stopAt }, optimizer: opt, schedule: Schedule(schedule, opt.LearningRate));
        if (cancel) first.OnStep = done => { if (done == stopAt) cancellation.Cancel(); };
        var stopped = first.Run(cancellation.Token);
        Assert.Equal(stopAt, stopped.StepsDone);
        string model = Path.Combine(_directory, "model.npz"), state = Path.Combine(_directory, "optimizer.npz"), history = Path.Combine(_directory, "history.csv");
        Checkpoint.Save(model, network, new CheckpointInfo(network.Architecture, stopped.StepsDone, 3));
        OptimizerState.Save(state, opt, network, stopped.Pending);
        first.History.Save(history);

        var resumed = new SeedNetwork(99);
        var info = Checkpoint.Load(model, resumed);
        var resumedOptimizer = Create(optimizer);
        var pending = OptimizerState.Load(state, resumedOptimizer, resumed);
        Assert.Equal(stopAt, resumedOptimizer.Steps);
        var second = new Trainer(resumed, LearnableData.Dataset(), options, TrainingHistory.Load(history), info!.Step, resumedOptimizer,
            Schedule(schedule, resumedOptimizer.LearningRate)) { ContinuedLoss = pending };
        Assert.Equal(options.Steps, second.Run().StepsDone);
        return new Run(resumed, second.History, resumedOptimizer);
    }

    private static void AssertSame(Run expected, Run actual)
    {
        foreach (var (a, b) in expected.Network.Parameters.Zip(actual.Network.Parameters))
            Assert.True(a.Values.SequenceEqual(b.Values), $"{b.Name} differs");
        foreach (var (a, b) in expected.Optimizer.StateOf(expected.Network.Parameters).Zip(actual.Optimizer.StateOf(actual.Network.Parameters)))
            Assert.True(a.Values.SequenceEqual(b.Values), $"{b.Name} differs");
        Assert.Equal(expected.Optimizer.Steps, actual.Optimizer.Steps);
        // every column but the wall-clock time
        Assert.Equal(expected.History.Rows.Select(r => r with { ElapsedSeconds = 0 }), actual.History.Rows.Select(r => r with { ElapsedSeconds = 0 }));
    }

    [Theory]
    [InlineData("sgd", false)]
    [InlineData("sgd-decay", false)]
    [InlineData("momentum", false)]
    [InlineData("nesterov", false)]
    [InlineData("adam", false)]
    [InlineData("adamw", false)]
    [InlineData("sgd", true)]
    [InlineData("momentum", true)]
    [InlineData("adamw", true)]
    public void Thirty_steps_then_a_resume_to_sixty_equal_sixty_steps(string optimizer, bool augment)
    {
        var options = Options with { Augment = augment };
        AssertSame(Uninterrupted(optimizer, "step", options), StoppedAndResumed(optimizer, "step", options, 30, cancel: false));
    }

    [Theory]
    [InlineData("adamw", "onecycle", 1)]
    [InlineData("adamw", "onecycle", 17)]
    [InlineData("momentum", "onecycle", 43)]
    [InlineData("adam", "cosine", 5)]
    [InlineData("nesterov", "cosine", 59)]
    public void A_run_over_a_schedule_stopped_at_any_step_resumes_to_the_same_end(string optimizer, string schedule, int stopAt)
    {
        var options = Options with { Augment = true, Shuffle = true };
        AssertSame(Uninterrupted(optimizer, schedule, options), StoppedAndResumed(optimizer, schedule, options, stopAt, cancel: true));
    }

    [Fact]
    public void A_state_of_another_optimizer_is_refused()
    {
        var network = new SeedNetwork(3);
        var adam = new Adam();
        new Trainer(network, LearnableData.Dataset(), Options with { Steps = 3 }, optimizer: adam).Run();
        string state = Path.Combine(_directory, "optimizer.npz");
        OptimizerState.Save(state, adam, network);

        var e = Assert.Throws<MnistDataException>(() => OptimizerState.Load(state, new Sgd(0.1f, 0.9f), new SeedNetwork(3)));
        Assert.Contains("holds the state of adam; this run's optimizer is momentum", e.Message);
        var narrow = Assert.Throws<MnistDataException>(() => OptimizerState.Load(state, new Adam(), new NarrowNetwork(3)));
        Assert.Contains(state, narrow.Message);
    }

    [Fact]
    public void The_state_records_the_backend_that_ran_the_products()
    {
        var network = new SeedNetwork(3);
        var adam = new Adam();
        new Trainer(network, LearnableData.Dataset(), Options with { Steps = 3 }, optimizer: adam).Run();
        string state = Path.Combine(_directory, "optimizer.npz"), older = Path.Combine(_directory, "older.npz");
        OptimizerState.Save(state, adam, network, new PendingLoss(1.5, 2), backend: "openblas");
        OptimizerState.Save(older, adam, network);

        Assert.Equal("openblas", OptimizerState.BackendOf(state));
        Assert.Null(OptimizerState.BackendOf(older));
        var restored = new Adam();
        Assert.Equal(new PendingLoss(1.5, 2), OptimizerState.Load(state, restored, new SeedNetwork(3)));
        Assert.Equal(3, restored.Steps);
        Assert.Throws<ArgumentException>(() => OptimizerState.Save(state, adam, network, backend: "two words"));
        Assert.Equal("openblas", OptimizerState.BackendOf(state));
    }
}
