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
            for (int i = 0; i < parts - 1; i++) failure ??= s_helpers[i].Join();
            if (failure is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
        }
        finally
        {
            Monitor.Exit(s_lock);
        }
    }

    private sealed class Helper
    {
        private readonly ManualResetEventSlim _start = new(false, spinCount: 20);
        private readonly int _part;
        private IPartedWork? _work;
        private int _parts;
        private volatile bool _done;
        private Exception? _failure;

        public Helper(int part)
        {
            _part = part;
            new Thread(Loop) { IsBackground = true, Name = $"mnist fork-join {part}" }.Start();
        }

        public void Start(IPartedWork work, int parts)
        {
            _work = work;
            _parts = parts;
            _failure = null;
            _done = false;
            _start.Set();
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
                try { _work!.Run(_part, _parts); }
                catch (Exception e) { _failure = e; }
                _work = null;
                _done = true;
            }
        }
    }
}
