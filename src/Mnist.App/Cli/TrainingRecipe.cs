using System.CommandLine;
using System.Globalization;
using Mnist.Training;

namespace Mnist.App.Cli;

/// <summary>
/// How <c>mnist train</c> trains: optimizer, learning rate and its schedule, batches, steps or epochs,
/// augmentation, validation. A recipe gives every value (<c>seed</c>: the original program; <c>best</c>:
/// the best this repository found for the architecture; <c>convnet</c>: the anchor's); an option on the
/// command line overrides it.
/// </summary>
public sealed record TrainingRecipe
{
    public string Name { get; init; } = "seed";
    public string Optimizer { get; init; } = "sgd";
    public float LearningRate { get; init; } = 0.1f;
    public float Momentum { get; init; } = 0.9f;
    public float WeightDecay { get; init; }
    public float Beta1 { get; init; } = 0.9f;
    public float Beta2 { get; init; } = 0.999f;
    public float Epsilon { get; init; } = 1e-8f;
    public string Schedule { get; init; } = "constant";
    public int WarmupSteps { get; init; }
    public int StepSize { get; init; }
    public float Gamma { get; init; } = 0.1f;
    public int Batch { get; init; } = 32;
    public int Steps { get; init; } = 10_000;
    public int? Epochs { get; init; }
    public bool Shuffle { get; init; }
    public bool Augment { get; init; }
    public int Validation { get; init; }
    public int Patience { get; init; }
    public int EvalEvery { get; init; } = 50;

    /// <summary>The original PyTorch program: SGD at 0.1, 10,000 steps of 32 drawn with replacement, the test set every 50 steps.</summary>
    public static TrainingRecipe Seed { get; } = new();

    /// <summary>
    /// The best recipe found for 784-128-10 within about 30 s on 2 cores (README, "Training recipes"):
    /// AdamW with a one-cycle rate over shuffled epochs of augmented images.
    /// </summary>
    public static TrainingRecipe Best { get; } = new()
    {
        Name = "best", Optimizer = "adamw", LearningRate = 5e-3f, WeightDecay = 0.01f, Schedule = "onecycle",
        Batch = 256, Epochs = 60, Shuffle = true, Augment = true, EvalEvery = 235, // 235 steps: one epoch of 256
    };

    /// <summary>The anchor's recipe for the convnet (../shared/anchors/cnn-pytorch): Adam 1e-3, 15 shuffled epochs of 128, the test set after every epoch.</summary>
    public static TrainingRecipe Convnet { get; } = new()
    {
        Name = "convnet", Optimizer = "adam", LearningRate = 1e-3f, Batch = 128, Epochs = 15, Shuffle = true, EvalEvery = 469, // 469 steps: one epoch of 128
    };

    /// <summary>
    /// The best recipe found for the convnet (README, "The convnet"): the anchor's Adam with a one-cycle rate peaking at
    /// 5e-3 over 25 shuffled epochs of augmented images — with dropout and augmentation the network still learns at the
    /// end of the anchor's 15 epochs at 1e-3.
    /// </summary>
    public static TrainingRecipe ConvnetBest { get; } = Convnet with { Name = "best", LearningRate = 5e-3f, Schedule = "onecycle", Epochs = 25, Augment = true };

    /// <summary>The names <c>--recipe</c> takes.</summary>
    public static IReadOnlyList<string> Names { get; } = ["seed", "best", "convnet"];

    /// <summary>The recipe <paramref name="name"/> for <paramref name="arch"/>: <c>best</c> is each architecture's own.</summary>
    public static TrainingRecipe Named(string name, string arch) => name switch
    {
        "seed" => Seed,
        "best" => arch == "convnet" ? ConvnetBest : Best,
        "convnet" => Convnet,
        _ => throw new ArgumentException($"no recipe '{name}'", nameof(name)),
    };

    /// <summary>The recipe of an architecture when <c>--recipe</c> is not given: the original program for the MLP, the anchor's for the convnet.</summary>
    public static TrainingRecipe DefaultFor(string arch) => arch == "convnet" ? Convnet : Seed;

    public static IReadOnlyList<string> Optimizers { get; } = ["sgd", "momentum", "nesterov", "adam", "adamw"];

    public static IReadOnlyList<string> Schedules { get; } = ["constant", "step", "cosine", "onecycle"];

    /// <summary>This recipe with another optimizer at that optimizer's own defaults (lr 0.1 for the SGDs, PyTorch's 1e-3 for Adam; AdamW's decay 0.01).</summary>
    public TrainingRecipe WithOptimizer(string optimizer) => optimizer == Optimizer ? this : this with
    {
        Optimizer = optimizer,
        LearningRate = optimizer is "adam" or "adamw" ? 1e-3f : 0.1f,
        WeightDecay = optimizer == "adamw" ? 0.01f : 0f,
    };

    private bool UsesMomentum => Optimizer is "momentum" or "nesterov";

    private bool IsAdam => Optimizer is "adam" or "adamw";

    /// <summary>A new optimizer of this recipe (fresh state).</summary>
    public Optimizer CreateOptimizer() => Optimizer switch
    {
        "sgd" => new Sgd(LearningRate, 0f, WeightDecay),
        "momentum" => new Sgd(LearningRate, Momentum, WeightDecay),
        "nesterov" => new Sgd(LearningRate, Momentum, WeightDecay, nesterov: true),
        "adam" => new Adam(LearningRate, Beta1, Beta2, Epsilon, WeightDecay),
        _ => new AdamW(LearningRate, Beta1, Beta2, Epsilon, WeightDecay),
    };

    /// <summary>This recipe's schedule over a run of <paramref name="totalSteps"/>.</summary>
    public LearningRateSchedule CreateSchedule(long totalSteps) => (Schedule switch
    {
        "step" => LearningRateSchedule.Stepped(LearningRate, StepSize, Gamma),
        "cosine" => LearningRateSchedule.Cosine(LearningRate, Math.Max(1, totalSteps)),
        "onecycle" => LearningRateSchedule.OneCycle(LearningRate, Math.Max(2, totalSteps)),
        _ => LearningRateSchedule.Constant(LearningRate),
    }).WithWarmup(WarmupSteps);

    /// <summary>The trainer's options of this recipe.</summary>
    public TrainingOptions ToOptions(int seed, int threads) => new()
    {
        LearningRate = LearningRate,
        BatchSize = Batch,
        Steps = Steps,
        Epochs = Epochs,
        Shuffle = Shuffle,
        EvalEvery = EvalEvery,
        Seed = seed,
        EvalThreads = threads,
        Augment = Augment,
        Validation = Validation,
        Patience = Patience,
    };

    /// <summary>The command line options that give this recipe, to print and to copy.</summary>
    public string Describe()
    {
        var parts = new List<string> { $"--optimizer {Optimizer}", $"--lr {F(LearningRate)}" };
        if (UsesMomentum) parts.Add($"--momentum {F(Momentum)}");
        if (WeightDecay != 0 || Optimizer == "adamw") parts.Add($"--weight-decay {F(WeightDecay)}");
        if (IsAdam) parts.Add($"--betas {F(Beta1)},{F(Beta2)} --eps {F(Epsilon)}");
        parts.Add($"--lr-schedule {Schedule}");
        if (WarmupSteps > 0) parts.Add($"--warmup-steps {WarmupSteps}");
        if (Schedule == "step") parts.Add($"--step-size {StepSize} --gamma {F(Gamma)}");
        parts.Add($"--batch {Batch}");
        parts.Add(Epochs is int epochs ? $"--epochs {epochs}" : $"--steps {Steps}");
        if (Shuffle && Epochs is null) parts.Add("--shuffle");
        if (Augment) parts.Add("--augment");
        if (Validation > 0) parts.Add($"--validation {Validation}");
        if (Patience > 0) parts.Add($"--patience {Patience}");
        parts.Add($"--eval-every {EvalEvery}");
        return string.Join(" ", parts);
    }

    private static string F(float value) => value.ToString("R", CultureInfo.InvariantCulture);
}

/// <summary>The options of <c>mnist train</c> that make its <see cref="TrainingRecipe"/>, declared here once, and their checks.</summary>
public sealed class TrainingRecipeOptions
{
    private readonly Option<string?> _recipe = new("--recipe") { Description = "seed (the original program, the MLP's default), best (the best found for the --arch) or convnet (the anchor's, the convnet's default); options given override it" };
    private readonly Option<string?> _optimizer = new("--optimizer") { Description = "sgd (default), momentum, nesterov, adam or adamw: torch.optim's update rules" };
    private readonly Option<float?> _lr = new("--lr") { Description = "Learning rate (default 0.1 for sgd, momentum, nesterov; 1e-3 for adam, adamw; the peak of onecycle)" };
    private readonly Option<float?> _momentum = new("--momentum") { Description = "Momentum of momentum and nesterov (default 0.9)" };
    private readonly Option<float?> _weightDecay = new("--weight-decay") { Description = "Weight decay: L2 added to the gradient for sgd, momentum, nesterov, adam (default 0); decoupled for adamw (default 0.01), as PyTorch" };
    private readonly Option<string?> _betas = new("--betas") { Description = "Adam's beta1,beta2 (default 0.9,0.999)" };
    private readonly Option<float?> _eps = new("--eps") { Description = "Adam's epsilon (default 1e-8)" };
    private readonly Option<string?> _schedule = new("--lr-schedule") { Description = "constant (default), step, cosine (over the run) or onecycle (PyTorch's OneCycleLR over the run)" };
    private readonly Option<int?> _warmup = new("--warmup-steps") { Description = "Linear warm-up over the first N steps (constant, step, cosine)" };
    private readonly Option<int?> _stepSize = new("--step-size") { Description = "Steps between two decays of the step schedule" };
    private readonly Option<float?> _gamma = new("--gamma") { Description = "Factor of each decay of the step schedule (default 0.1)" };
    private readonly Option<int?> _batch = new("--batch") { Description = "Samples per step (default 32)" };
    private readonly Option<int?> _steps = new("--steps") { Description = "Training steps (default 10,000; 0 writes the initial model)" };
    private readonly Option<int?> _epochs = new("--epochs") { Description = "Train for this many shuffled passes instead of --steps" };
    private readonly Option<bool?> _shuffle = new("--shuffle") { Description = "Shuffled epochs instead of sampling with replacement" };
    private readonly Option<bool?> _augment = new("--augment") { Description = "Shift (±2 px), rotate (±10°) and scale (0.9–1.1) each training image at random, seeded" };
    private readonly Option<int?> _validation = new("--validation") { Description = "Hold out the last N training images to validate on" };
    private readonly Option<int?> _patience = new("--patience") { Description = "Stop when the validation accuracy has not improved for K evaluations" };
    private readonly Option<int?> _evalEvery = new("--eval-every") { Description = "Evaluate every N steps (default 50; 0: never)" };

    /// <summary>Adds every option to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        foreach (Option option in new Option[] { _recipe, _optimizer, _lr, _momentum, _weightDecay, _betas, _eps, _schedule, _warmup, _stepSize, _gamma,
                     _batch, _steps, _epochs, _shuffle, _augment, _validation, _patience, _evalEvery })
            command.Options.Add(option);
        OneOf(_recipe, TrainingRecipe.Names);
        OneOf(_optimizer, TrainingRecipe.Optimizers);
        OneOf(_schedule, TrainingRecipe.Schedules);
    }

    private static void OneOf<T>(Option<T> option, IReadOnlyList<string> values) =>
        option.Validators.Add(result =>
        {
            foreach (var token in result.Tokens)
                if (!values.Contains(token.Value))
                    result.AddError($"{option.Name} must be one of {string.Join(", ", values)}; got '{token.Value}'");
        });

    /// <summary>The recipe the command line asks for, its values checked; a bad one is a <see cref="UsageException"/> naming the option.</summary>
    public TrainingRecipe Resolve(CommandContext context, string arch = "mlp")
    {
        // the recipe's rate and decay are its optimizer's; another optimizer starts from its own defaults
        var recipe = context.Get(_recipe) is { } name ? TrainingRecipe.Named(name, arch) : TrainingRecipe.DefaultFor(arch);
        recipe = recipe.WithOptimizer(context.Get(_optimizer) ?? recipe.Optimizer);
        string optimizer = recipe.Optimizer;
        bool adam = optimizer is "adam" or "adamw", momentum = optimizer is "momentum" or "nesterov";
        float lr = context.Get(_lr) ?? recipe.LearningRate;
        float decay = context.Get(_weightDecay) ?? recipe.WeightDecay;
        if (context.Get(_momentum) is not null && !momentum) throw new UsageException($"--momentum is for --optimizer momentum or nesterov, not {optimizer}");
        if ((context.Get(_betas) is not null || context.Get(_eps) is not null) && !adam) throw new UsageException($"--betas and --eps are for --optimizer adam or adamw, not {optimizer}");
        var (beta1, beta2) = context.Get(_betas) is { } betas ? ParseBetas(betas) : (recipe.Beta1, recipe.Beta2);
        string schedule = context.Get(_schedule) ?? recipe.Schedule;
        var result = recipe with
        {
            Optimizer = optimizer,
            LearningRate = lr,
            Momentum = context.Get(_momentum) ?? recipe.Momentum,
            WeightDecay = decay,
            Beta1 = beta1,
            Beta2 = beta2,
            Epsilon = context.Get(_eps) ?? recipe.Epsilon,
            Schedule = schedule,
            WarmupSteps = context.Get(_warmup) ?? (schedule == recipe.Schedule ? recipe.WarmupSteps : 0),
            StepSize = context.Get(_stepSize) ?? recipe.StepSize,
            Gamma = context.Get(_gamma) ?? recipe.Gamma,
            Batch = context.Get(_batch) ?? recipe.Batch,
            Steps = context.Get(_steps) ?? recipe.Steps,
            Epochs = context.Get(_steps) is not null ? null : context.Get(_epochs) ?? recipe.Epochs,
            Shuffle = context.Get(_shuffle) ?? recipe.Shuffle,
            Augment = context.Get(_augment) ?? recipe.Augment,
            Validation = context.Get(_validation) ?? recipe.Validation,
            Patience = context.Get(_patience) ?? recipe.Patience,
            EvalEvery = context.Get(_evalEvery) ?? recipe.EvalEvery,
        };
        if (context.Get(_steps) is not null && context.Get(_epochs) is not null) throw new UsageException("--steps and --epochs are two ways of saying how long: give one");
        Check(result, context);
        return result;
    }

    /// <summary>The checks that need the training set's size: the validation split and the batch must fit in it.</summary>
    public static void CheckAgainst(TrainingRecipe r, int trainCount)
    {
        if (trainCount == 0) return; // an empty training set is the data's problem, reported as such
        if (r.Validation >= trainCount) throw new UsageException($"--validation must be below the {trainCount:N0} training images, got {r.Validation}");
        if (r.Batch > trainCount - r.Validation)
            throw new UsageException($"--batch must be at most the {trainCount - r.Validation:N0} training images{(r.Validation > 0 ? " outside the validation split" : "")}, got {r.Batch}");
    }

    private static (float, float) ParseBetas(string text)
    {
        var parts = text.Split(',');
        if (parts.Length == 2
            && float.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out float beta1)
            && float.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out float beta2)
            && beta1 is >= 0 and < 1 && beta2 is >= 0 and < 1)
            return (beta1, beta2);
        throw new UsageException($"--betas must be two numbers in [0, 1) like 0.9,0.999; got '{text}'");
    }

    private void Check(TrainingRecipe r, CommandContext context)
    {
        if (!(r.LearningRate > 0) || float.IsInfinity(r.LearningRate)) throw new UsageException($"--lr must be positive, got {r.LearningRate.ToString(CultureInfo.InvariantCulture)}");
        if (r.Batch <= 0) throw new UsageException($"--batch must be positive, got {r.Batch}");
        if (r.Steps < 0) throw new UsageException($"--steps must be 0 or positive, got {r.Steps}");
        if (r.Epochs is <= 0) throw new UsageException($"--epochs must be positive, got {r.Epochs}");
        if (r.EvalEvery < 0) throw new UsageException($"--eval-every must be 0 or positive, got {r.EvalEvery}");
        if (r.Validation < 0) throw new UsageException($"--validation must be 0 or positive, got {r.Validation}");
        if (r.Patience < 0) throw new UsageException($"--patience must be 0 or positive, got {r.Patience}");
        if (r.Patience > 0 && r.Validation == 0) throw new UsageException("--patience needs --validation N: the test set is never used to choose anything");
        if (r.Patience > 0 && r.EvalEvery == 0) throw new UsageException("--patience counts evaluations: it needs --eval-every above 0");
        if (!(r.Momentum >= 0 && r.Momentum < 1)) throw new UsageException($"--momentum must be in [0, 1), got {r.Momentum.ToString(CultureInfo.InvariantCulture)}");
        if (!(r.WeightDecay >= 0) || float.IsInfinity(r.WeightDecay)) throw new UsageException($"--weight-decay must be 0 or positive, got {r.WeightDecay.ToString(CultureInfo.InvariantCulture)}");
        if (!(r.Epsilon >= 0) || float.IsInfinity(r.Epsilon)) throw new UsageException($"--eps must be 0 or positive, got {r.Epsilon.ToString(CultureInfo.InvariantCulture)}");
        if (r.WarmupSteps < 0) throw new UsageException($"--warmup-steps must be 0 or positive, got {r.WarmupSteps}");
        if (r.WarmupSteps > 0 && r.Schedule == "onecycle") throw new UsageException("--warmup-steps does not apply to onecycle, which warms up by itself (its first 30% of steps)");
        if (r.Schedule == "step" && r.StepSize <= 0) throw new UsageException($"--lr-schedule step needs --step-size N with N > 0, got {r.StepSize}");
        if (r.Schedule != "step" && context.Get(_stepSize) is not null) throw new UsageException("--step-size is for --lr-schedule step");
        if (r.Schedule != "step" && context.Get(_gamma) is not null) throw new UsageException("--gamma is for --lr-schedule step");
        if (!(r.Gamma > 0) || float.IsInfinity(r.Gamma)) throw new UsageException($"--gamma must be positive, got {r.Gamma.ToString(CultureInfo.InvariantCulture)}");
    }
}
