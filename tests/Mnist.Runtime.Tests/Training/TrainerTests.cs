using Mnist.Runtime.Tests.Modeling;
using Mnist.Training;

namespace Mnist.Runtime.Tests.Training;

public class TrainerTests
{
    private static readonly TrainingOptions Quick = new() { Steps = 60, BatchSize = 16, EvalEvery = 20, LearningRate = 0.05f, Seed = 3, EvalChunk = 32 };

    [Fact]
    public void Training_learns_the_learnable_data_and_records_every_evaluation()
    {
        var trainer = new Trainer(new SeedNetwork(3), LearnableData.Dataset(), Quick);
        var rows = new List<HistoryRow>();
        trainer.OnEvaluation = rows.Add;

        var result = trainer.Run();

        Assert.Equal(60, result.StepsDone);
        Assert.False(result.Interrupted);
        Assert.Equal([19, 39, 59], trainer.History.Rows.Select(r => r.Step));
        Assert.Equal(trainer.History.Rows, rows);
        Assert.True(trainer.History.Rows[^1].TestAccuracy >= 0.9, $"accuracy {trainer.History.Rows[^1].TestAccuracy}");
    }

    [Fact]
    public void Seeded_runs_give_identical_histories()
    {
        var a = new Trainer(new SeedNetwork(3), LearnableData.Dataset(), Quick);
        var b = new Trainer(new SeedNetwork(3), LearnableData.Dataset(), Quick);
        a.Run();
        b.Run();
        Assert.Equal(a.History.Rows.Select(r => (r.Step, r.TrainLoss, r.TestAccuracy)), b.History.Rows.Select(r => (r.Step, r.TrainLoss, r.TestAccuracy)));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Prefetching_batches_on_another_thread_changes_nothing(bool sparse)
    {
        var inline = new SeedNetwork(3);
        var prefetched = new SeedNetwork(3);
        var a = new Trainer(inline, LearnableData.Dataset(sparse), Quick with { PrefetchBatches = false });
        var b = new Trainer(prefetched, LearnableData.Dataset(sparse), Quick with { PrefetchBatches = true });
        a.Run();
        b.Run();
        Assert.Equal(a.History.Rows.Select(r => (r.Step, r.TrainLoss, r.TestAccuracy)), b.History.Rows.Select(r => (r.Step, r.TrainLoss, r.TestAccuracy)));
        Assert.Equal(inline.Linear.Weight.ToColumnMajorArray(), prefetched.Linear.Weight.ToColumnMajorArray());
    }

    [Theory]
    [InlineData(false, 32)]
    [InlineData(true, 32)]
    [InlineData(true, 7)]
    public void Evaluating_beside_training_gives_the_rows_of_pausing_for_it(bool sparse, int chunk)
    {
        // 100 test images: chunks of 32 leave a shorter last one; chunks of 7 make many per evaluation
        var options = Quick with { EvalChunk = chunk, EvalThreads = 2, EvalEvery = 5 };
        var paused = new SeedNetwork(3);
        var beside = new SeedNetwork(3);
        var a = new Trainer(paused, LearnableData.Dataset(sparse), options with { OverlapEvaluation = false });
        var b = new Trainer(beside, LearnableData.Dataset(sparse), options);
        var announced = new List<HistoryRow>();
        b.OnEvaluation = announced.Add;

        a.Run();
        var result = b.Run();

        Assert.Equal(Enumerable.Range(1, 12).Select(k => 5 * k - 1), b.History.Rows.Select(r => r.Step));
        Assert.Equal(a.History.Rows.Select(r => (r.Step, r.TrainLoss, r.TestAccuracy)), b.History.Rows.Select(r => (r.Step, r.TrainLoss, r.TestAccuracy)));
        Assert.Equal(b.History.Rows, announced);
        Assert.Equal(paused.Linear.Weight.ToColumnMajorArray(), beside.Linear.Weight.ToColumnMajorArray());
        Assert.True(result.EvalSeconds >= 0 && result.TrainSeconds > 0);
        Assert.True(b.History.Rows.Zip(b.History.Rows.Skip(1)).All(p => p.First.ElapsedSeconds <= p.Second.ElapsedSeconds));
    }

    [Fact]
    public void Evaluations_beside_training_asked_for_before_a_cancellation_still_finish()
    {
        using var cancellation = new CancellationTokenSource();
        var trainer = new Trainer(new SeedNetwork(3), LearnableData.Dataset(), Quick with { EvalThreads = 2, EvalEvery = 5 });
        trainer.OnStep = done => { if (done == 23) cancellation.Cancel(); };

        var result = trainer.Run(cancellation.Token);

        Assert.True(result.Interrupted);
        Assert.Equal(23, result.StepsDone);
        Assert.Equal([4, 9, 14, 19], trainer.History.Rows.Select(r => r.Step));
    }

    [Fact]
    public void A_failing_evaluation_beside_training_surfaces_on_the_training_thread()
    {
        var network = new FailingForward(new SeedNetwork(3));
        var trainer = new Trainer(network, LearnableData.Dataset(), Quick with { EvalThreads = 2, EvalEvery = 5 });

        var e = Assert.Throws<InvalidOperationException>(() => trainer.Run());

        Assert.Equal("forward failed", e.Message);
    }

    [Fact]
    public void Counting_a_snapshot_chunk_by_chunk_equals_its_accuracy()
    {
        var network = new SeedNetwork(8);
        var snapshot = (SeedNetwork)((INetwork)network).Clone();
        var test = LearnableData.Split(100, 9);
        var evaluator = new Evaluator(new SeedNetwork(1), test, chunk: 32, threads: 2);
        var reference = new Evaluator(network, test, chunk: 100);

        int correct = Enumerable.Range(0, evaluator.Chunks).Sum(index => evaluator.CountCorrect(snapshot, index, index % 2));

        Assert.Equal(4, evaluator.Chunks);
        Assert.Equal(reference.Accuracy(), correct / 100.0);
        Assert.Equal(network.Linear.Weight.ToColumnMajorArray(), snapshot.Linear.Weight.ToColumnMajorArray());
    }

    [Fact]
    public void Resume_continues_the_step_count_and_the_history()
    {
        var network = new SeedNetwork(3);
        var first = new Trainer(network, LearnableData.Dataset(), Quick with { Steps = 40 });
        first.Run();
        var second = new Trainer(network, LearnableData.Dataset(), Quick with { Steps = 60 }, first.History, startStep: 40);

        var result = second.Run();

        Assert.Equal(60, result.StepsDone);
        Assert.Equal([19, 39, 59], second.History.Rows.Select(r => r.Step));
        Assert.True(second.History.Rows[2].ElapsedSeconds >= second.History.Rows[1].ElapsedSeconds);
    }

    [Fact]
    public void Cancellation_stops_between_steps()
    {
        using var cancellation = new CancellationTokenSource();
        var trainer = new Trainer(new SeedNetwork(3), LearnableData.Dataset(), Quick);
        trainer.OnStep = done => { if (done == 25) cancellation.Cancel(); };

        var result = trainer.Run(cancellation.Token);

        Assert.True(result.Interrupted);
        Assert.Equal(25, result.StepsDone);
        Assert.Equal([19], trainer.History.Rows.Select(r => r.Step));
    }

    [Fact]
    public void Chunked_evaluation_equals_one_chunk()
    {
        var network = new SeedNetwork(8);
        var test = LearnableData.Split(100, 9);
        var small = new Evaluator(network, test, chunk: 7);
        var whole = new Evaluator(network, test, chunk: 100);
        double lossSmall = small.Run(), lossWhole = whole.Run();
        Assert.Equal(whole.Predictions, small.Predictions);
        Assert.Equal(lossWhole, lossSmall, 5);
        Assert.Equal(whole.Confidences, small.Confidences);
    }

    [Fact]
    public void Evaluation_result_counts_the_confusion_matrix()
    {
        var result = new EvaluationResult([0, 0, 1, 2], [0, 1, 1, 1], 0.5, 3);
        Assert.Equal(0.5, result.Accuracy);
        Assert.Equal(1, result.Confusion[0, 1]);
        Assert.Equal(1.0 / 3, result.Precision[1], 10);
        Assert.Equal(0.5, result.Recall[0]);
        Assert.Equal(0, result.Recall[2]);
    }

    [Theory]
    [InlineData(-0.1f, 32, 10, "learning rate must be positive, got -0.1")]
    [InlineData(0.1f, 0, 10, "batch size must be positive, got 0")]
    [InlineData(0.1f, 32, -5, "steps must be 0 or positive, got -5")]
    public void Bad_options_are_refused(float lr, int batch, int steps, string message)
    {
        var e = Assert.Throws<ArgumentException>(() => new TrainingOptions { LearningRate = lr, BatchSize = batch, Steps = steps }.Validate());
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void History_csv_round_trips()
    {
        using var dir = new TempDirectory();
        var history = new TrainingHistory();
        history.Rows.Add(new HistoryRow(49, 1.25, 0.8097, 0.349, 0.1f)); // the rate in use is a float
        history.Rows.Add(new HistoryRow(99, 0.79, 0.8436, 0.5, 0.05f, 0.31, 0.9));
        history.Save(dir.File("h.csv"));
        Assert.Equal("step,train_loss,test_accuracy,elapsed_s,lr,val_loss,val_accuracy\n49,1.25,0.8097,0.349,0.1,,\n99,0.79,0.8436,0.500,0.05,0.31,0.9\n", File.ReadAllText(dir.File("h.csv")));
        Assert.Equal(history.Rows, TrainingHistory.Load(dir.File("h.csv")).Rows);
    }

    [Fact]
    public void A_history_of_an_earlier_version_still_reads()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("h.csv"), "step,train_loss,test_accuracy,elapsed_s\n49,1.25,0.8097,0.349\n");
        var row = Assert.Single(TrainingHistory.Load(dir.File("h.csv")).Rows);
        Assert.Equal((49, 1.25, 0.8097, 0.349), (row.Step, row.TrainLoss, row.TestAccuracy, row.ElapsedSeconds));
        Assert.True(double.IsNaN(row.LearningRate));
        Assert.Null(row.ValidationAccuracy);
    }
}

/// <summary>A network whose forward pass fails from its snapshots on (they are made by <see cref="Clone"/>).</summary>
internal sealed class FailingForward(SeedNetwork inner, bool fails = false) : INetwork
{
    private INetwork Inner => inner;
    public SampleShape InputShape => Inner.InputShape;
    public int InputSize => Inner.InputSize;
    public int OutputSize => Inner.OutputSize;
    public IReadOnlyList<Layer> Layers => inner.Layers;
    public IReadOnlyList<Tensor> Parameters => inner.Parameters;
    public bool ReadsSparseInputs => inner.ReadsSparseInputs;
    public IReadOnlyList<Mnist.LinearAlgebra.GemmShape> Products(int batch, bool sparseInputs) => inner.Products(batch, sparseInputs);
    public string Architecture => inner.Architecture;
    public NetworkWorkspace CreateWorkspace(int batchSize) => inner.CreateWorkspace(batchSize);
    public MathNet.Numerics.LinearAlgebra.Matrix<float> Forward(Batch batch, NetworkWorkspace workspace) =>
        fails ? throw new InvalidOperationException("forward failed") : Inner.Forward(batch, workspace);
    public float Loss(Batch batch, ReadOnlySpan<int> labels, NetworkWorkspace workspace) => Inner.Loss(batch, labels, workspace);
    public float EvaluationLoss(Batch batch, ReadOnlySpan<int> labels, NetworkWorkspace workspace) => Inner.EvaluationLoss(batch, labels, workspace);
    public void Backward(ReadOnlySpan<int> labels, NetworkWorkspace workspace) => Inner.Backward(labels, workspace);
    public float TrainStep(Batch batch, ReadOnlySpan<int> labels, float learningRate, NetworkWorkspace workspace) =>
        Inner.TrainStep(batch, labels, learningRate, workspace);
    public float TrainStep(Batch batch, ReadOnlySpan<int> labels, IParameterUpdate update, NetworkWorkspace workspace) =>
        Inner.TrainStep(batch, labels, update, workspace);
    public void Predict(Batch batch, Span<int> predictions, NetworkWorkspace workspace) => Inner.Predict(batch, predictions, workspace);
    public void CopyParametersFrom(INetwork other) => inner.CopyParametersFrom(((FailingForward)other).Seed);
    public INetwork Clone() => new FailingForward(inner.Clone(), fails: true);
    private SeedNetwork Seed => inner;
}
