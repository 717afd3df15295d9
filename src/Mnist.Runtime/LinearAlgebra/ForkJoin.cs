namespace Mnist.LinearAlgebra;

/// <summary>One piece of work that <see cref="ForkJoin"/> runs in parts: an object made once and reused, so running it allocates nothing.</summary>
internal interface IPartedWork
{
    /// <summary>Does part <paramref name="part"/> of <paramref name="parts"/>.</summary>
    void Run(int part, int parts);
}

/// <summary>
/// Runs the parts of an <see cref="IPartedWork"/> on the calling thread and on helper threads that live for the
/// process, without allocating: a training step's layers split this way stay at 0 bytes per step, where
/// <c>Parallel.For</c> allocates its closures and tasks every call (~5 KB per convnet step, measured). A helper waits
/// on an event (it spins briefly, then blocks: on two vCPUs a spinning helper slows the thread that carries on).
/// Inside a part, or on a thread that is one of several busy ones (<see cref="ColumnSplit.IsInside"/>), the work
/// runs whole on the calling thread.
/// </summary>
internal static class ForkJoin
{
    private static readonly object s_lock = new();
    private static Helper[] s_helpers = [];

    /// <summary>Items [First, Last) of <paramref name="n"/> that part <paramref name="part"/> of <paramref name="parts"/> takes: contiguous, sizes differing by one at most.</summary>
    public static (int First, int Last) Slice(int n, int part, int parts) =>
        ((int)((long)n * part / parts), (int)((long)n * (part + 1) / parts));

    [ThreadStatic]
    private static bool t_coresTaken;

    /// <summary>
    /// True on a thread whose other cores run work of their own (a training step beside an evaluation, <see cref="CoresTaken"/>).
    /// A helper handed a part there waits for the scheduler to give it a core the other work holds, a wait longer than a part
    /// of tens of microseconds: so a <see cref="Prewake"/> asks this and wakes no helper, while parts of milliseconds (a convnet
    /// layer's) still split. Measured on two vCPUs: Adam's 784-128 update split beside an evaluation (it is no longer split)
    /// took a step 410–610 µs, whole 185–195 µs; a convnet step's layers kept whole there were 12% slower.
    /// </summary>
    public static bool AreCoresTaken => t_coresTaken;

    /// <summary>Until disposed, the calling thread's other cores are taken (<see cref="AreCoresTaken"/>), when <paramref name="when"/>.</summary>
    public static CoresTakenScope CoresTaken(bool when)
    {
        var scope = new CoresTakenScope(t_coresTaken);
        if (when) t_coresTaken = true;
        return scope;
    }

    /// <summary>Restores the calling thread's <see cref="AreCoresTaken"/> when disposed.</summary>
    public readonly struct CoresTakenScope(bool was) : IDisposable
    {
        public void Dispose() => t_coresTaken = was;
    }

    /// <summary>Parts for a per-sample kernel over <paramref name="samples"/>: one per thread of the backend, but at least 8 samples each (fewer are not worth waking a helper).</summary>
    public static int PartsFor(int samples) => Math.Min(Math.Max(1, Kernels.Gemm.Threads), Math.Max(1, samples / 8));

    /// <summary>Runs <paramref name="work"/> in <paramref name="parts"/> parts (part 0 on the calling thread) and returns when all are done.</summary>
    public static void Run(IPartedWork work, int parts)
    {
        if (parts <= 1 || ColumnSplit.IsInside)
        {
            work.Run(0, 1);
            return;
        }
        // one caller at a time uses the helpers; another concurrent caller does its work alone
        if (!Monitor.TryEnter(s_lock))
        {
            bool was = ColumnSplit.IsInside;
            ColumnSplit.IsInside = true;
            try { work.Run(0, 1); }
            finally { ColumnSplit.IsInside = was; }
            return;
        }
        try
        {
            if (s_helpers.Length < parts - 1)
            {
                var helpers = new Helper[parts - 1];
                s_helpers.CopyTo(helpers, 0);
                for (int i = s_helpers.Length; i < helpers.Length; i++) helpers[i] = new Helper(i + 1);
                s_helpers = helpers;
            }
            for (int i = 0; i < parts - 1; i++) s_helpers[i].Start(work, parts);
            bool wasInside = ColumnSplit.IsInside;
            ColumnSplit.IsInside = true;
            Exception? failure = null;
            try { work.Run(0, parts); }
            catch (Exception e) { failure = e; }
            finally { ColumnSplit.IsInside = wasInside; }
            // every helper is joined, also after a failure: one still running its part must not be handed the next work
            for (int i = 0; i < parts - 1; i++)
            {
                var helperFailure = s_helpers[i].Join();
                failure ??= helperFailure;
            }
            if (failure is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
        }
        finally
        {
            Monitor.Exit(s_lock);
        }
    }

    /// <summary>
    /// Wakes the helpers for <paramref name="parts"/> parts ahead of a <see cref="Run"/> that is coming soon (a convnet's
    /// split layers, from the start of its pass): each spins for up to <see cref="AwakeTicks"/> waiting for work instead
    /// of being woken when the work is already there. Waking a blocked thread costs tens of microseconds on a virtual
    /// machine, as much as one image's half of a layer. A helper that has done its part blocks again at once.
    /// </summary>
    public static void Prewake(int parts)
    {
        if (parts <= 1 || ColumnSplit.IsInside || t_coresTaken) return;
        var helpers = s_helpers;
        for (int i = 0; i < Math.Min(parts - 1, helpers.Length); i++) helpers[i].Wake();
    }

    // how long an awake helper waits for work before it blocks again: longer than a 784-128-10 forward and backward pass
    private static readonly long AwakeTicks = System.Diagnostics.Stopwatch.Frequency / 2000; // 500 µs

    private sealed class Helper
    {
        private readonly ManualResetEventSlim _start = new(false, spinCount: 20);
        private readonly int _part;
        private volatile IPartedWork? _work;
        private int _parts;
        private volatile bool _done;
        private Exception? _failure;
        // 1 while the helper is awake (running or spinning for work), 0 when it blocks or is about to: whoever moves it
        // from 0 to 1 sets the event
        private int _awake;

        public Helper(int part)
        {
            _part = part;
            new Thread(Loop) { IsBackground = true, Name = $"mnist fork-join {part}" }.Start();
        }

        public void Wake()
        {
            if (Interlocked.Exchange(ref _awake, 1) == 0) _start.Set();
        }

        public void Start(IPartedWork work, int parts)
        {
            _parts = parts;
            _failure = null;
            _done = false;
            _work = work; // volatile: published after the fields above
            Wake();
        }

        public Exception? Join()
        {
            var spin = new SpinWait();
            while (!_done) spin.SpinOnce(sleep1Threshold: -1);
            return _failure;
        }

        private void Loop()
        {
            ColumnSplit.IsInside = true;
            while (true)
            {
                _start.Wait();
                _start.Reset();
                long until = System.Diagnostics.Stopwatch.GetTimestamp() + AwakeTicks;
                while (true)
                {
                    if (_work is { } work)
                    {
                        try { work.Run(_part, _parts); }
                        catch (Exception e) { _failure = e; }
                        _work = null;
                        _done = true;
                        until = 0; // done: block again at once, as before prewaking existed (a spinning helper takes the core
                                   // from the batch preparation and evaluation threads)
                    }
                    else if (System.Diagnostics.Stopwatch.GetTimestamp() < until)
                    {
                        Thread.SpinWait(20);
                        continue;
                    }
                    // going to block: work posted after this exchange sets the event again; work posted before it is seen here
                    Interlocked.Exchange(ref _awake, 0);
                    if (_work is null) break;
                    Interlocked.Exchange(ref _awake, 1);
                }
            }
        }
    }
}
