using Mnist.Data;
using Mnist.Runtime.Tests.Modeling;
using Mnist.Training;

namespace Mnist.Runtime.Tests.Training;

/// <summary>What the trainer refuses up front, and how it stops when the loss stops being a number.</summary>
public class TrainerSafetyTests
{
    private static readonly TrainingOptions Quick = new() { Steps = 60, BatchSize = 16, EvalEvery = 20, LearningRate = 0.05f, Seed = 3, EvalChunk = 32 };

    [Fact]
    public void A_loss_that_becomes_nan_stops_the_run_and_puts_back_the_last_finite_parameters()
    {
        var network = new SeedNetwork(3);
        var trainer = new Trainer(network, LearnableData.Dataset(), Quick with { Steps = 400, LearningRate = 1e30f, EvalEvery = 50 });

        var result = trainer.Run();

        Assert.True(result.Diverged);
        Assert.InRange(result.DivergedAtStep!.Value, 0, 399);
        Assert.Equal(0, result.StepsDone % Tuning.FiniteCopyEvery);
        Assert.True(result.StepsDone <= result.DivergedAtStep);
        Assert.All(network.Parameters, p => Assert.True(p.IsFinite(), p.Name));
        Assert.All(trainer.History.Rows, row => Assert.True(row.Step < result.StepsDone));
    }

    [Fact]
    public void A_run_that_diverges_at_once_gets_its_initial_parameters_back()
    {
        var network = new SeedNetwork(3);
        var initial = network.Linear.Weight.ToColumnMajorArray();
        var result = new Trainer(network, LearnableData.Dataset(), Quick with { LearningRate = 1e30f, EvalEvery = 0 }).Run();

        Assert.True(result.Diverged);
        Assert.Equal(0, result.StepsDone);
        Assert.Equal(initial, network.Linear.Weight.ToColumnMajorArray());
    }

    [Fact]
    public void An_empty_training_set_is_refused_up_front()
    {
        var empty = new MnistDataset(new MnistSplit([], []), LearnableData.Split(10, 2));
        var e = Assert.Throws<ArgumentException>(() => new Trainer(new SeedNetwork(), empty, Quick));
        Assert.Equal("the training set holds no images", e.Message);
        e = Assert.Throws<ArgumentException>(() => new Trainer(new SeedNetwork(), empty, Quick with { Epochs = 2 }));
        Assert.Equal("the training set holds no images", e.Message);
    }

    [Fact]
    public void A_batch_larger_than_the_training_set_is_refused_without_allocating_it()
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        foreach (int batch in new[] { 301, 1_000_000, 100_000_000, int.MaxValue })
        {
            var e = Assert.Throws<ArgumentException>(() => new Trainer(new SeedNetwork(), LearnableData.Dataset(), Quick with { BatchSize = batch }));
            Assert.Equal($"batch size must be at most the 300 training images, got {batch}", e.Message);
        }
        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, 16 << 20);
    }

    [Fact]
    public void A_batch_of_the_whole_training_set_trains()
    {
        var result = new Trainer(new SeedNetwork(3), LearnableData.Dataset(), Quick with { BatchSize = 300, Steps = 3 }).Run();
        Assert.Equal(3, result.StepsDone);
    }

    [Fact]
    public void Evaluating_on_an_empty_test_set_is_refused()
    {
        var data = new MnistDataset(LearnableData.Split(50, 1), new MnistSplit([], []));
        var e = Assert.Throws<ArgumentException>(() => new Trainer(new SeedNetwork(), data, Quick));
        Assert.Equal("the test set holds no images to evaluate", e.Message);
    }
}

/// <summary>The trainer is not MNIST's only: any labelled image set of the network's input shape.</summary>
public class OtherImageSetTests
{
    private static MnistSplit Bars(int count, int seed)
    {
        // class c: a bright bar on rows 2c and 2c+1 of an 8×8 image, noise elsewhere
        var random = new Random(seed);
        var images = new byte[count * 64];
        var labels = new byte[count];
        for (int i = 0; i < count; i++)
        {
            labels[i] = (byte)(i % 4);
            for (int p = 0; p < 64; p++) images[i * 64 + p] = p / 8 / 2 == labels[i] ? (byte)random.Next(150, 256) : (byte)random.Next(0, 30);
        }
        return new MnistSplit(images, labels, new SampleShape(1, 8, 8));
    }

    [Fact]
    public void A_network_of_8x8_images_trains_on_an_8x8_image_set()
    {
        var trainer = new Trainer(new SmallImageNetwork(1), new MnistDataset(Bars(200, 1), Bars(40, 2)),
            new TrainingOptions { Steps = 200, BatchSize = 16, EvalEvery = 100, LearningRate = 0.1f, Seed = 1, EvalChunk = 20 });
        trainer.Run();
        Assert.True(trainer.History.Rows[^1].TestAccuracy >= 0.95, $"accuracy {trainer.History.Rows[^1].TestAccuracy}");
    }

    [Fact]
    public void Images_of_another_shape_are_refused_naming_both_shapes()
    {
        var e = Assert.Throws<ArgumentException>(() => new Trainer(new SmallImageNetwork(), LearnableData.Dataset(), new TrainingOptions()));
        Assert.Equal("the images are 1×28×28; the network takes 64", e.Message);
    }

    [Fact]
    public void Labels_beyond_the_networks_classes_are_refused()
    {
        var bars = Bars(20, 3);
        bars.Labels[5] = 7;
        var e = Assert.Throws<ArgumentException>(() => new Trainer(new SmallImageNetwork(), new MnistDataset(bars, Bars(8, 4)), new TrainingOptions { BatchSize = 4 }));
        Assert.Equal("label 7 is not one of the network's 4 classes", e.Message);
    }
}
