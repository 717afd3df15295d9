using System.Diagnostics;
using Mnist.Data;

namespace Mnist.Training;

/// <summary>
/// SGD over any generated network: each step samples a batch (with replacement, or shuffled
/// epochs), loads it as floats and calls the network's allocation-free <c>TrainStep</c>; every
/// <see cref="TrainingOptions.EvalEvery"/> steps the whole test set is evaluated and a row is added
/// to the <see cref="History"/> — with two or more evaluation threads on a copy of the weights
/// while training goes on (<see cref="OverlappedEvaluation"/>), else with training paused.
/// Cancellation stops the run between two steps; evaluations already asked for still finish.
/// A loss that becomes NaN or infinite stops the run too, and the network gets back the last
/// parameters known to be finite (kept every <see cref="Tuning.FiniteCopyEvery"/> steps). Each step is the
/// optimizer's (<see cref="Training.Optimizer.Step"/>): plain SGD by default, its update folded into the backward pass.
/// </summary>
public sealed class Trainer
{
    private readonly INetwork _network;
    private readonly MnistDataset _data;
    private readonly MnistSplit _train;
    private readonly TrainingOptions _options;
    private readonly Optimizer _optimizer;
    private readonly LearningRateSchedule _schedule;
    private readonly Evaluator? _validation;

    /// <summary>
    /// A trainer of <paramref name="network"/> on <paramref name="data"/>: each step by <paramref name="optimizer"/>
    /// (plain SGD at the options' rate by default) at the rate of <paramref name="schedule"/> (the options' rate
    /// throughout by default); <paramref name="history"/> and <paramref name="startStep"/> continue a run.
    /// </summary>
    public Trainer(INetwork network, MnistDataset data, TrainingOptions options, TrainingHistory? history = null, int startStep = 0,
        Optimizer? optimizer = null, LearningRateSchedule? schedule = null)
    {
        options.Validate(data.Train.Count, network.InputSize);
        if (options.EvalEvery > 0 && data.Test.Count == 0) throw new ArgumentException("the test set holds no images to evaluate");
        foreach (var split in new[] { data.Train, data.Test })
        {
            if (split.ImageSize != network.InputSize || (!network.InputShape.IsFlat && split.Shape != network.InputShape))
                throw new ArgumentException($"the images are {split.Shape}; the network takes {network.InputShape}");
            if (split.Count > 0 && split.Labels.Max() >= network.OutputSize)
                throw new ArgumentException($"label {split.Labels.Max()} is not one of the network's {network.OutputSize} classes");
        }
        // the backend is chosen for the training step's own products, before the evaluator's workspaces exist
        MnistBlas.EnsureChosen(network, options.BatchSize);
        _network = network;
        _data = data;
        _options = options;
        _optimizer = optimizer ?? new Sgd(options.LearningRate);
        _schedule = schedule ?? LearningRateSchedule.Constant(options.LearningRate);
        History = history ?? new TrainingHistory();
        StartStep = startStep;
        // a dropout mask is drawn from its pass number, one pass per step: a resumed run draws the masks it would have
        foreach (var dropout in network.Layers.OfType<DropoutLayer>()) dropout.Passes = startStep;
        Evaluator = new Evaluator(network, data.Test, options.EvalChunk, options.EvalThreads) { SkipZeroInputs = options.SkipZeroInputs };
        // the validation images are the training set's last ones, never trained on
        _train = options.Validation > 0 ? data.Train.Slice(0, data.Train.Count - options.Validation) : data.Train;
        if (options.Validation > 0)
            _validation = new Evaluator(network, data.Train.Slice(data.Train.Count - options.Validation, options.Validation), options.EvalChunk) { SkipZeroInputs = options.SkipZeroInputs };
    }

    /// <summary>The images trained on: the training set without the validation images.</summary>
    public MnistSplit TrainingImages => _train;

    /// <summary>The parameters of this run's best validation accuracy so far (null until one beats the history's best).</summary>
    public INetwork? Best { get; private set; }

    /// <summary>Steps at the start of a run whose allocations (buffers sized on first use) are not counted.</summary>
    public const int WarmUpSteps = Tuning.WarmUpSteps;

    /// <summary>The optimizer that takes every step.</summary>
    public Optimizer Optimizer => _optimizer;

    /// <summary>The rows so far (including those of the run being resumed).</summary>
    public TrainingHistory History { get; }

    /// <summary>Steps done before this run (a resume).</summary>
    public int StartStep { get; }

    /// <summary>The loss of the steps a resumed run took after its last evaluation (saved with it), which the first row of this run averages too.</summary>
    public PendingLoss ContinuedLoss { get; set; }

    /// <summary>The test-set evaluator (its predictions are those of the last evaluation).</summary>
    public Evaluator Evaluator { get; }

    /// <summary>Called after every evaluation.</summary>
    public Action<HistoryRow>? OnEvaluation { get; set; }

    /// <summary>Called after every step with the number of steps done.</summary>
    public Action<int>? OnStep { get; set; }

    /// <summary>Trains until the configured number of steps is done or <paramref name="cancellation"/> is set.</summary>
    public TrainingResult Run(CancellationToken cancellation = default)
    {
        var train = _train;
        int batch = _options.BatchSize;
        int total = _options.TotalSteps(_data.Train.Count);
        int samplerSeed = unchecked(_options.Seed * 7919 + 104729);
        IBatchSampler sampler = _options.Shuffle || _options.Epochs is not null
            ? new ShuffledBatchSampler(train.Count, samplerSeed)
            : new RandomBatchSampler(train.Count, samplerSeed);
        // a resumed run draws the batches an uninterrupted one would: the sampler is replayed to its step
        var skipped = new int[batch];
        for (int s = 0; s < StartStep; s++) sampler.Next(skipped);
        var workspace = _network.CreateWorkspace(batch);
        workspace.SkipZeroInputs = _options.SkipZeroInputs;
        bool sparse = _options.SkipZeroInputs && _network.ReadsSparseInputs;
        double elapsedBefore = History.Rows.Count > 0 ? History.Rows[^1].ElapsedSeconds : 0;
        long runStart = Stopwatch.GetTimestamp();
        bool overlap = _options.OverlapEvaluation && _options.EvalEvery > 0 && Evaluator.Workers > 1;
        // Evaluating beside training, the evaluation threads prepare batches between chunks (a
        // prefetch thread of its own would only compete with them for the cores); else the
        // prefetcher has a thread of its own when there is a second core.
        int slots = (int)Math.Clamp(Tuning.PrefetchBudgetBytes / BatchPrefetcher.SlotBytes(_network.InputSize, batch), 2,
            overlap ? Tuning.PrefetchedBesideEvaluation : Tuning.PrefetchedByOwnThread);
        using var batches = new BatchPrefetcher(train, sampler, _network.InputSize, batch, sparse,
            slots: slots, ownThread: _options.PrefetchBatches && !overlap,
            augmentation: _options.Augment ? new Augmentation(_options.Seed) : null, firstBatch: StartStep);
        using var overlapped = overlap
            ? new OverlappedEvaluation(_network, Evaluator, _data.Test.Count, () => elapsedBefore + Stopwatch.GetElapsedTime(runStart).TotalSeconds,
                _options.PrefetchBatches ? batches.PrepareAhead : null)
            : null;
        var finished = new List<HistoryRow>();

        long trainTicks = 0, evalTicks = 0, allocated = 0;
        double lossSum = StartStep > 0 ? ContinuedLoss.Sum : 0;
        int lossCount = StartStep > 0 ? ContinuedLoss.Steps : 0;
        int step = StartStep;
        bool interrupted = false;
        int? diverged = null, bestStep = null;
        var finite = _network.Clone();
        int finiteStep = StartStep;
        // the best validation accuracy and the evaluations since, continued from a resumed history
        var validated = History.Rows.Where(r => r.ValidationAccuracy is not null).ToList();
        double best = validated.Count == 0 ? double.NegativeInfinity : validated.Max(r => r.ValidationAccuracy!.Value);
        int sinceBest = validated.Count == 0 ? 0 : validated.Count - 1 - validated.FindLastIndex(r => r.ValidationAccuracy == best);
        bool stopEarly = false;
        for (; step < total; step++)
        {
            if (cancellation.IsCancellationRequested)
            {
                interrupted = true;
                break;
            }
            if (stopEarly) break;
            long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            long start = Stopwatch.GetTimestamp();
            // the rate in use is a float; the history records that value
            float rate = (float)_schedule.Rate(step);
            _optimizer.LearningRate = rate;
            if (_schedule.Momentum(step) is double momentum) _optimizer.Momentum = (float)momentum;
            var slot = batches.Next();
            float stepLoss;
            // beside an unfinished evaluation the other cores are its threads' (see ForkJoin.CoresTaken)
            using (LinearAlgebra.ForkJoin.CoresTaken(when: overlapped is { Evaluating: true }))
                stepLoss = _optimizer.Step(_network, slot.Batch, slot.Labels, workspace);
            if (!float.IsFinite(stepLoss))
            {
                diverged = step;
                batches.Release();
                break;
            }
            lossSum += stepLoss;
            lossCount++;
            long trained = Stopwatch.GetTimestamp();
            trainTicks += trained - start;
            if (step >= StartStep + WarmUpSteps) allocated += GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;

            if (_options.EvalEvery > 0 && step % _options.EvalEvery == _options.EvalEvery - 1)
            {
                double loss = lossSum / lossCount;
                lossSum = 0;
                lossCount = 0;
                var row = new HistoryRow(step, loss, double.NaN, 0, rate);
                if (_validation is not null)
                {
                    // on the training thread: the decisions it drives (best, patience) are then the same however fast the machine is
                    var validation = _validation.Evaluate();
                    row = row with { ValidationLoss = validation.Loss, ValidationAccuracy = validation.Accuracy };
                    if (validation.Accuracy > best)
                    {
                        best = validation.Accuracy;
                        sinceBest = 0;
                        bestStep = step + 1;
                        Best ??= _network.Clone();
                        Best.CopyParametersFrom(_network);
                    }
                    else if (++sinceBest >= _options.Patience && _options.Patience > 0)
                    {
                        stopEarly = true;
                    }
                }
                if (overlapped is not null)
                {
                    overlapped.Submit(_network, row);
                }
                else
                {
                    double accuracy = Evaluator.Accuracy();
                    evalTicks += Stopwatch.GetTimestamp() - trained;
                    Announce(row with { TestAccuracy = accuracy, ElapsedSeconds = elapsedBefore + (double)(trainTicks + evalTicks) / Stopwatch.Frequency });
                }
            }
            // handed back for refilling only now: refilled during an evaluation, it would take a core from the evaluation's threads
            batches.Release();
            if (overlapped is not null) Publish(overlapped, finished);
            if ((step + 1 - StartStep) % Tuning.FiniteCopyEvery == 0 && AllFinite(_network))
            {
                finite.CopyParametersFrom(_network);
                finiteStep = step + 1;
            }
            OnStep?.Invoke(step + 1);
        }
        if (overlapped is not null)
        {
            overlapped.Finish();
            Publish(overlapped, finished);
            evalTicks = Stopwatch.GetTimestamp() - runStart - trainTicks;
        }
        int warmSteps = Math.Max(0, step - StartStep - WarmUpSteps);
        if (diverged is not null)
        {
            // the rows after the parameters put back would be repeated by a resume from them
            _network.CopyParametersFrom(finite);
            History.Rows.RemoveAll(row => row.Step >= finiteStep);
            step = finiteStep;
        }
        return new TrainingResult(step, interrupted, (double)trainTicks / Stopwatch.Frequency, (double)evalTicks / Stopwatch.Frequency, allocated,
            warmSteps, diverged, stopEarly && !interrupted, bestStep, diverged is null ? new PendingLoss(lossSum, lossCount) : default);
    }

    private static bool AllFinite(INetwork network)
    {
        foreach (var parameter in network.Parameters)
            if (!parameter.IsFinite()) return false;
        return true;
    }

    // Rows of evaluations that ran beside training, announced on the training thread.
    private void Publish(OverlappedEvaluation overlapped, List<HistoryRow> finished)
    {
        overlapped.TakeFinished(finished);
        foreach (var row in finished) Announce(row);
        finished.Clear();
    }

    private void Announce(HistoryRow row)
    {
        History.Rows.Add(row);
        OnEvaluation?.Invoke(row);
    }
}
