namespace Mnist.Training;

/// <summary>
/// How to train. The defaults are the original PyTorch program's: SGD with learning rate 0.1,
/// 10,000 steps of 32 samples drawn with replacement, test accuracy every 50 steps.
/// </summary>
public sealed record TrainingOptions
{
    /// <summary>SGD step size.</summary>
    public float LearningRate { get; init; } = 0.1f;

    /// <summary>Samples per step.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Steps to train; ignored when <see cref="Epochs"/> is set.</summary>
    public int Steps { get; init; } = 10_000;

    /// <summary>Train for this many passes over the training set instead of <see cref="Steps"/> (implies shuffling).</summary>
    public int? Epochs { get; init; }

    /// <summary>Shuffled epochs instead of sampling with replacement (the original's <c>randint</c>).</summary>
    public bool Shuffle { get; init; }

    /// <summary>Evaluate the test set after every this many steps (after step 49, 99, ... for 50); 0 for never.</summary>
    public int EvalEvery { get; init; } = 50;

    /// <summary>Seeds the parameters and the batch order.</summary>
    public int Seed { get; init; }

    /// <summary>
    /// Test images per evaluation chunk (one reused workspace per thread). Small enough that,
    /// evaluating beside training, the evaluation thread often gets to prepare batches between chunks.
    /// </summary>
    public int EvalChunk { get; init; } = Tuning.EvaluationChunk;

    /// <summary>Threads that evaluate chunks of the test set at the same time.</summary>
    public int EvalThreads { get; init; } = 1;

    /// <summary>
    /// With more than one evaluation thread, evaluate copies of the weights on a thread of their own
    /// while training goes on, instead of pausing training for each evaluation (the rows are the same).
    /// </summary>
    public bool OverlapEvaluation { get; init; } = true;

    /// <summary>Prepare each next batch on a second thread while the current one trains (when there is a second core not taken by <see cref="OverlapEvaluation"/>).</summary>
    public bool PrefetchBatches { get; init; } = Environment.ProcessorCount > 1;

    /// <summary>Let the first layer skip zero inputs (the default); false measures the dense products.</summary>
    public bool SkipZeroInputs { get; init; } = true;

    /// <summary>Training images held out at the end of the training set to validate on (Keras' <c>validation_split</c> takes the tail too); 0 for none.</summary>
    public int Validation { get; init; }

    /// <summary>Stop when the validation accuracy has not improved for this many evaluations; 0 never stops early.</summary>
    public int Patience { get; init; }

    /// <summary>Transform every training image as its batch is prepared (see <see cref="Training.Augmentation"/>).</summary>
    public bool Augment { get; init; }

    /// <summary>The number of steps these options train for on a training set of <paramref name="trainCount"/> images (the validation images, held out, are not trained on).</summary>
    public int TotalSteps(int trainCount) =>
        Epochs is int epochs ? (int)Math.Min(int.MaxValue, (long)epochs * ((Math.Max(0, trainCount - Validation) + (long)BatchSize - 1) / BatchSize)) : Steps;

    /// <summary>
    /// Throws <see cref="ArgumentException"/> when these options cannot train on <paramref name="trainCount"/>
    /// images of <paramref name="features"/> features: an empty set, or a batch larger than the set.
    /// </summary>
    public void Validate(int trainCount, int features)
    {
        Validate();
        if (Validation > 0 && Validation >= trainCount)
            throw new ArgumentException($"validation must be below the {trainCount} training images, got {Validation}");
        trainCount -= Validation;
        if (trainCount <= 0) throw new ArgumentException("the training set holds no images");
        if (BatchSize > trainCount)
            throw new ArgumentException($"batch size must be at most the {trainCount} training images, got {BatchSize}");
        long batchBytes = checked((long)features * BatchSize * sizeof(float));
        if (batchBytes > Array.MaxLength)
            throw new ArgumentException($"a batch of {BatchSize} samples of {features} features is larger than the largest array .NET allows");
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad value.</summary>
    public void Validate()
    {
        if (!(LearningRate > 0) || float.IsInfinity(LearningRate)) throw new ArgumentException($"learning rate must be positive, got {LearningRate}");
        if (BatchSize <= 0) throw new ArgumentException($"batch size must be positive, got {BatchSize}");
        if (Epochs is null && Steps < 0) throw new ArgumentException($"steps must be 0 or positive, got {Steps}");
        if (Epochs is <= 0) throw new ArgumentException($"epochs must be positive, got {Epochs}");
        if (EvalEvery < 0) throw new ArgumentException($"eval-every must be 0 or positive, got {EvalEvery}");
        if (EvalChunk <= 0) throw new ArgumentException($"evaluation chunk must be positive, got {EvalChunk}");
        if (EvalThreads <= 0) throw new ArgumentException($"evaluation threads must be positive, got {EvalThreads}");
        if (Validation < 0) throw new ArgumentException($"validation must be 0 or positive, got {Validation}");
        if (Patience < 0) throw new ArgumentException($"patience must be 0 or positive, got {Patience}");
        if (Patience > 0 && Validation == 0) throw new ArgumentException("patience needs a validation split (--validation N): the test set is never used to choose anything");
        if (Patience > 0 && EvalEvery == 0) throw new ArgumentException("patience counts evaluations: it needs --eval-every above 0");
    }
}
