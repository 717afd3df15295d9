using System.Diagnostics.CodeAnalysis;
using System.Runtime.ExceptionServices;

namespace Mnist.Training;

/// <summary>
/// Test-set evaluations that run beside training instead of pausing it. At an evaluation step the
/// trainer hands over the network (<see cref="Submit"/>): its parameters are copied into a free
/// snapshot and training goes on at once. A thread of its own evaluates the snapshots in order,
/// chunk by chunk; when no snapshot is free the training thread evaluates chunks too until one is,
/// so at most <see cref="Snapshots"/> copies of the weights exist. On this workload a training step
/// and an evaluation on the two hyper-threads of one core barely slow each other, so most of the
/// training's time disappears into the evaluations'. Each row's accuracy is exactly that of the
/// weights after its step; rows come out in step order.
/// </summary>
internal sealed class OverlappedEvaluation : IDisposable
{
    /// <summary>Copies of the weights waiting for or under evaluation, at most.</summary>
    public const int Snapshots = Tuning.EvaluationSnapshots;

    // The training thread evaluates with worker 0's buffers; the background threads with the others.
    private const int TrainingThreadWorker = 0;

    private readonly Evaluator _evaluator;
    private readonly int _testCount;
    private readonly Func<double> _elapsedSeconds;
    private readonly Action? _betweenChunks;
    private readonly Stack<INetwork> _free = new();
    private readonly Queue<Job> _jobs = new(); // submitted and not yet taken by TakeFinished, in step order
    private readonly Thread[] _threads;
    private readonly object _gate = new();
    private double _lastElapsed;
    private volatile int _unfinished; // submitted jobs whose every chunk is not yet done
    private bool _stopping;
    private ExceptionDispatchInfo? _failure;

    /// <summary>
    /// Evaluates snapshots of <paramref name="network"/> with <paramref name="evaluator"/>, which needs
    /// at least two workers: one for each background thread and one for the training thread.
    /// </summary>
    /// <param name="network">The network being trained.</param>
    /// <param name="evaluator">Evaluates chunks of the test set (of this network's type).</param>
    /// <param name="testCount">Images in the test set.</param>
    /// <param name="elapsedSeconds">The run's clock, for each row's time.</param>
    /// <param name="betweenChunks">Called by the background threads after each chunk (the trainer prepares batches there).</param>
    public OverlappedEvaluation(INetwork network, Evaluator evaluator, int testCount, Func<double> elapsedSeconds, Action? betweenChunks = null)
    {
        if (evaluator.Workers < 2) throw new ArgumentException("overlapped evaluation needs an evaluator with at least two workers", nameof(evaluator));
        _evaluator = evaluator;
        _betweenChunks = betweenChunks;
        _testCount = testCount;
        _elapsedSeconds = elapsedSeconds;
        for (int i = 0; i < Snapshots; i++) _free.Push(network.Clone());
        _threads = Enumerable.Range(1, evaluator.Workers - 1)
            .Select(worker => new Thread(() => Evaluate(worker)) { IsBackground = true, Name = $"mnist evaluation {worker}" })
            .ToArray();
        foreach (var thread in _threads) thread.Start();
    }

    /// <summary>
    /// True while a submitted evaluation is not finished: its threads then hold the other cores, which the training
    /// step's helpers should not spin on (<see cref="LinearAlgebra.ForkJoin.CoresTaken"/>).
    /// </summary>
    public bool Evaluating => _unfinished > 0;

    /// <summary>Queues an evaluation of <paramref name="network"/>'s current parameters; its accuracy and time complete <paramref name="row"/>.</summary>
    public void Submit(INetwork network, HistoryRow row)
    {
        INetwork? snapshot = null;
        HelpUntil(() => _free.TryPop(out snapshot));
        snapshot!.CopyParametersFrom(network);
        lock (_gate)
        {
            _jobs.Enqueue(new Job(snapshot, row, _evaluator.Chunks));
            _unfinished++;
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>Adds the rows finished so far, in step order, to <paramref name="rows"/>.</summary>
    public void TakeFinished(List<HistoryRow> rows)
    {
        lock (_gate)
        {
            _failure?.Throw();
            while (_jobs.TryPeek(out var job) && job.Row is { } row)
            {
                // a row is finished when it and every earlier one are (the last chunks of two snapshots can end in either order)
                _lastElapsed = Math.Max(_lastElapsed, row.ElapsedSeconds);
                rows.Add(row with { ElapsedSeconds = _lastElapsed });
                _jobs.Dequeue();
            }
        }
    }

    /// <summary>Evaluates on the calling thread too until every submitted row is finished.</summary>
    public void Finish() => HelpUntil(() => _jobs.All(job => job.Row is not null));

    public void Dispose()
    {
        lock (_gate)
        {
            _stopping = true;
            Monitor.PulseAll(_gate);
        }
        foreach (var thread in _threads) thread.Join();
    }

    // On the training thread: evaluates chunks, or waits while the other threads evaluate the last
    // ones, until ready (asked under the lock) says so.
    private void HelpUntil(Func<bool> ready)
    {
        while (true)
        {
            Job? job;
            int chunk;
            lock (_gate)
            {
                _failure?.Throw();
                if (ready()) return;
                if (!TryClaim(out job, out chunk))
                {
                    Monitor.Wait(_gate);
                    continue;
                }
            }
            using (LinearAlgebra.ColumnSplit.Inline()) Evaluate(job, chunk, TrainingThreadWorker);
        }
    }

    // A background thread: evaluates chunks, oldest snapshot first, until disposed.
    private void Evaluate(int worker)
    {
        using var inline = LinearAlgebra.ColumnSplit.Inline();
        while (true)
        {
            Job? job;
            int chunk;
            lock (_gate)
            {
                while (true)
                {
                    if (_stopping || _failure is not null) return;
                    if (TryClaim(out job, out chunk)) break;
                    Monitor.Wait(_gate);
                }
            }
            Evaluate(job, chunk, worker);
            _betweenChunks?.Invoke();
        }
    }

    private void Evaluate(Job job, int chunk, int worker)
    {
        int correct;
        try
        {
            correct = _evaluator.CountCorrect(job.Snapshot, chunk, worker);
        }
        catch (Exception e)
        {
            lock (_gate)
            {
                _failure ??= ExceptionDispatchInfo.Capture(e);
                Monitor.PulseAll(_gate);
            }
            return;
        }
        lock (_gate)
        {
            job.Correct += correct;
            if (++job.Done == job.Chunks)
            {
                job.Row = job.Partial with { TestAccuracy = (double)job.Correct / Math.Max(1, _testCount), ElapsedSeconds = _elapsedSeconds() };
                _free.Push(job.Snapshot);
                _unfinished--;
            }
            Monitor.PulseAll(_gate);
        }
    }

    // Under the lock: the next unclaimed chunk of the oldest snapshot that has one.
    private bool TryClaim([NotNullWhen(true)] out Job? job, out int chunk)
    {
        foreach (var candidate in _jobs)
        {
            if (candidate.Claimed == candidate.Chunks) continue;
            job = candidate;
            chunk = candidate.Claimed++;
            return true;
        }
        job = null;
        chunk = -1;
        return false;
    }

    private sealed class Job(INetwork snapshot, HistoryRow partial, int chunks)
    {
        public INetwork Snapshot { get; } = snapshot;
        public HistoryRow Partial { get; } = partial;
        public int Chunks { get; } = chunks;
        public int Claimed { get; set; }
        public int Done { get; set; }
        public int Correct { get; set; }
        public HistoryRow? Row { get; set; }
    }
}
