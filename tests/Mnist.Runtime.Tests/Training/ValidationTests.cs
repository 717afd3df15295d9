using Mnist.Data;
using Mnist.Runtime.Tests.Modeling;
using Mnist.Training;

namespace Mnist.Runtime.Tests.Training;

/// <summary>
/// <see cref="TrainingOptions.Validation"/> holds out the training set's tail: never in a batch, evaluated
/// at every evaluation; the best of it is kept, and <see cref="TrainingOptions.Patience"/> stops a run that
/// no longer improves.
/// </summary>
public class ValidationTests
{
    private static readonly TrainingOptions Options = new() { Steps = 200, BatchSize = 16, EvalEvery = 20, LearningRate = 0.05f, Seed = 3, EvalChunk = 32 };

    // 250 blank images, then 50 learnable ones: a blank input moves no first-layer weight, so any held-out image in a batch would
    private static MnistDataset BlankHeadLearnableTail()
    {
        var learnable = LearnableData.Split(300, 1);
        var images = (byte[])learnable.Images.Clone();
        Array.Clear(images, 0, 250 * 784);
        return new MnistDataset(new MnistSplit(images, learnable.Labels), LearnableData.Split(100, 2));
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void The_held_out_images_are_never_trained_on(bool shuffle, bool augment)
    {
        var network = new SeedNetwork(3);
        var before = network.Linear.Weight.ToColumnMajorArray();
        var trainer = new Trainer(network, BlankHeadLearnableTail(), Options with { Validation = 50, Shuffle = shuffle, Augment = augment });

        trainer.Run();

        Assert.Equal(250, trainer.TrainingImages.Count);
        Assert.Equal(before, network.Linear.Weight.ToColumnMajorArray());
        Assert.All(trainer.History.Rows, row => Assert.NotNull(row.ValidationAccuracy));
    }

    [Fact]
    public void The_check_itself_sees_a_held_out_image_in_a_batch()
    {
        // the same data with only 40 held out: images 250..259 are trained on, and the weights move
        var network = new SeedNetwork(3);
        var before = network.Linear.Weight.ToColumnMajorArray();
        new Trainer(network, BlankHeadLearnableTail(), Options with { Validation = 40 }).Run();
        Assert.NotEqual(before, network.Linear.Weight.ToColumnMajorArray());
    }

    [Fact]
    public void Each_evaluation_records_the_validation_loss_and_accuracy_of_the_tail()
    {
        var data = LearnableData.Dataset();
        var network = new SeedNetwork(3);
        var trainer = new Trainer(network, data, Options with { Validation = 60, Steps = 40 });
        trainer.Run();

        var tail = new Evaluator(network, data.Train.Slice(240, 60), 32).Evaluate();
        var last = trainer.History.Rows[^1];
        Assert.Equal(tail.Accuracy, last.ValidationAccuracy);
        Assert.Equal(tail.Loss, last.ValidationLoss!.Value, 12);
        Assert.Equal([19, 39], trainer.History.Rows.Select(r => r.Step));
    }

    [Fact]
    public void The_best_model_is_the_one_of_the_best_validation_accuracy()
    {
        var data = LearnableData.Dataset();
        var trainer = new Trainer(new SeedNetwork(3), data, Options with { Validation = 60, Steps = 100, EvalEvery = 10, LearningRate = 0.02f });
        var result = trainer.Run();

        var rows = trainer.History.Rows;
        double best = rows.Max(r => r.ValidationAccuracy!.Value);
        int first = rows.First(r => r.ValidationAccuracy == best).Step + 1;
        Assert.Equal(first, result.BestStep);
        Assert.NotNull(trainer.Best);
        Assert.Equal(best, new Evaluator(trainer.Best!, data.Train.Slice(240, 60), 32).Accuracy());
    }

    [Fact]
    public void Patience_stops_after_that_many_evaluations_without_improvement()
    {
        // at a rate this small nothing changes: the first evaluation is the best and no later one beats it
        var trainer = new Trainer(new SeedNetwork(3), LearnableData.Dataset(), Options with { Validation = 60, LearningRate = 1e-9f, EvalEvery = 5, Patience = 3 });
        var result = trainer.Run();

        Assert.True(result.StoppedEarly);
        Assert.Equal(20, result.StepsDone);
        Assert.Equal([4, 9, 14, 19], trainer.History.Rows.Select(r => r.Step));
        Assert.Equal(5, result.BestStep);
    }

    [Theory]
    [InlineData(300, "validation must be below the 300 training images, got 300")]
    [InlineData(-1, "validation must be 0 or positive, got -1")]
    public void A_validation_split_must_leave_images_to_train_on(int validation, string message)
    {
        var e = Assert.Throws<ArgumentException>(() => new Trainer(new SeedNetwork(3), LearnableData.Dataset(), Options with { Validation = validation }));
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void Patience_without_a_validation_split_is_refused_the_test_set_chooses_nothing()
    {
        var e = Assert.Throws<ArgumentException>(() => new Trainer(new SeedNetwork(3), LearnableData.Dataset(), Options with { Patience = 2 }));
        Assert.StartsWith("patience needs a validation split", e.Message);
    }
}
