using Mnist.Runtime.Tests.Modeling;
using Mnist.LinearAlgebra;
using Mnist.Training;

namespace Mnist.Runtime.Tests.Training;

public class OverlappedEvaluationTests
{
    [Fact]
    public void Evaluating_is_true_from_a_submit_until_its_last_chunk_is_done()
    {
        var network = new SeedNetwork(3);
        var data = LearnableData.Dataset();
        var evaluator = new Evaluator(network, data.Test, chunk: 32, threads: 2); // 100 images: 4 chunks
        Assert.True(evaluator.Chunks >= 2);
        // the background thread stops after its first chunk until the gate opens: the evaluation is then surely unfinished
        using var afterFirstChunk = new ManualResetEventSlim(false);
        using var gate = new ManualResetEventSlim(false);
        using var overlapped = new OverlappedEvaluation(network, evaluator, data.Test.Count, () => 0, () =>
        {
            afterFirstChunk.Set();
            gate.Wait();
        });
        Assert.False(overlapped.Evaluating);

        overlapped.Submit(network, new HistoryRow(0, 1.0, double.NaN, 0, 0.1));
        Assert.True(afterFirstChunk.Wait(TimeSpan.FromSeconds(30)), "the background thread evaluated no chunk");
        Assert.True(overlapped.Evaluating);

        gate.Set();
        overlapped.Finish();
        Assert.False(overlapped.Evaluating);
        var rows = new List<HistoryRow>();
        overlapped.TakeFinished(rows);
        Assert.Equal(evaluator.Accuracy(), Assert.Single(rows).TestAccuracy);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Adam_beside_evaluations_ends_with_the_weights_of_pausing_for_them(bool sparse)
    {
        // beside an unfinished evaluation a step's split update runs whole on the training thread, else split:
        // the update is element-wise, so the weights are those of a run that paused for every evaluation
        var options = new TrainingOptions { Steps = 60, BatchSize = 16, EvalEvery = 5, Seed = 3, EvalChunk = 7, EvalThreads = 2 };
        var paused = new SeedNetwork(3);
        var beside = new SeedNetwork(3);
        new Trainer(paused, LearnableData.Dataset(sparse), options with { OverlapEvaluation = false }, optimizer: new Adam()).Run();
        new Trainer(beside, LearnableData.Dataset(sparse), options, optimizer: new Adam()).Run();

        Assert.Equal(paused.Linear.Weight.ToColumnMajorArray(), beside.Linear.Weight.ToColumnMajorArray());
        Assert.Equal(paused.Linear2.Weight.ToColumnMajorArray(), beside.Linear2.Weight.ToColumnMajorArray());
        Assert.False(ColumnSplit.IsInside);
    }
}
