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
    private readonly TrainingOptions _options;
    private readonly Optimizer _optimizer;

    /// <summary>A trainer of <paramref name="network"/> on <paramref name="data"/>.</summary>
    public Trainer(INetwork network, MnistDataset data, TrainingOptions options, TrainingHistory? history = null, int startStep = 0, Optimizer? optimizer = null)
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
        History = history ?? new TrainingHistory();
        StartStep = startStep;
        Evaluator = new Evaluator(network, data.Test, options.EvalChunk, options.EvalThreads) { SkipZeroInputs = options.SkipZeroInputs };
    }

    /// <summary>Steps at the start of a run whose allocations (buffers sized on first use) are not counted.</summary>
    public const int WarmUpSteps = Tuning.WarmUpSteps;

    /// <summary>The optimizer that takes every step.</summary>
    public Optimizer Optimizer => _optimizer;

    /// <summary>The rows so far (including those of the run being resumed).</summary>
    public TrainingHistory History { get; }

    /// <summary>Steps done before this run (a resume).</summary>
    public int StartStep { get; }

    /// <summary>The test-set evaluator (its predictions are those of the last evaluation).</summary>
    public Evaluator Evaluator { get; }

    /// <summary>Called after every evaluation.</summary>
    public Action<HistoryRow>? OnEvaluation { get; set; }

    /// <summary>Called after every step with the number of steps done.</summary>
    public Action<int>? OnStep { get; set; }

    /// <summary>Trains until the configured number of steps is done or <paramref name="cancellation"/> is set.</summary>
    public TrainingResult Run(CancellationToken cancellation = default)
    {
        var train = _data.Train;
        int batch = _options.BatchSize;
        int total = _options.TotalSteps(train.Count);
        // the batch order continues deterministically from the resume point
        int samplerSeed = unchecked(_options.Seed * 7919 + 104729 + StartStep);
        IBatchSampler sampler = _options.Shuffle || _options.Epochs is not null
            ? new ShuffledBatchSampler(train.Count, samplerSeed)
            : new RandomBatchSampler(train.Count, samplerSeed);
        var workspace = _network.CreateWorkspace(batch);
        workspace.SkipZeroInputs = _options.SkipZeroInputs;
        bool sparse = _options.SkipZeroInputs && _network.ReadsSparseInputs;
        double elapsedBefore = History.Rows.Count > 0 ? History.Rows[^1].ElapsedSeconds : 0;
        long runStart = Stopwatch.GetTimestamp();
        bool overlap = _options.OverlapEvaluation && _options.EvalEvery > 0 && Evaluator.Workers > 1;
        // Evaluating beside training, the evaluation threads prepare batches between chunks (a
        // prefetch thread of its own would only compete with them for the cores); else the
        // prefetcher has a thread of its own when there is a second core.
        int slots = overlap ? (int)Math.Clamp(Tuning.PrefetchBudgetBytes / BatchPrefetcher.SlotBytes(_network.InputSize, batch), 2, Tuning.PrefetchedBesideEvaluation) : 2;
        using var batches = new BatchPrefetcher(train, sampler, _network.InputSize, batch, sparse,
            slots: slots, ownThread: _options.PrefetchBatches && !overlap);
        using var overlapped = overlap
            ? new OverlappedEvaluation(_network, Evaluator, _data.Test.Count, () => elapsedBefore + Stopwatch.GetElapsedTime(runStart).TotalSeconds,
                _options.PrefetchBatches ? batches.PrepareAhead : null)
            : null;
        var finished = new List<HistoryRow>();

        long trainTicks = 0, evalTicks = 0, allocated = 0;
        double lossSum = 0;
        int lossCount = 0;
        int step = StartStep;
        bool interrupted = false;
        int? diverged = null;
        var finite = _network.Clone();
        int finiteStep = StartStep;
        for (; step < total; step++)
        {
            if (cancellation.IsCancellationRequested)
            {
                interrupted = true;
                break;
            }
            long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            long start = Stopwatch.GetTimestamp();
            var slot = batches.Next();
            float stepLoss = _optimizer.Step(_network, slot.Batch, slot.Labels, workspace);
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
                if (overlapped is not null)
                {
                    overlapped.Submit(_network, step, loss);
                }
                else
                {
                    double accuracy = Evaluator.Accuracy();
                    evalTicks += Stopwatch.GetTimestamp() - trained;
                    Announce(new HistoryRow(step, loss, accuracy, elapsedBefore + (double)(trainTicks + evalTicks) / Stopwatch.Frequency));
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
            warmSteps, diverged);
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
