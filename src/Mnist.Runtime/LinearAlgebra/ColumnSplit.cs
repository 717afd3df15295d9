namespace Mnist.LinearAlgebra;

/// <summary>
/// How every large product uses more than one core: the columns (samples) are split into
/// contiguous ranges, one per thread, each computed independently. Callers decide whether the
/// work is worth it — a GEMM by <see cref="ParallelThreshold"/>, the first layer by its sample
/// count — so small products (a training step's) stay on the calling thread and allocate nothing.
/// </summary>
internal static class ColumnSplit
{
    /// <summary>Products with at least this many multiply-adds use more than one thread.</summary>
    public const long ParallelThreshold = Tuning.ParallelMultiplyAdds;

    /// <summary>
    /// Calls <paramref name="range"/>(first, last) over [0, n) on up to <paramref name="threads"/> threads;
    /// ranges are multiples of <paramref name="granularity"/>. Inside a range that is already running on
    /// a thread of its own (evaluation chunks, say) it runs on the calling thread: the cores are busy.
    /// </summary>
    public static void Split(int n, int threads, int granularity, Action<int, int> range)
    {
        int blocks = (n + granularity - 1) / granularity;
        int workers = Math.Min(threads, blocks);
        if (workers <= 1 || t_inside)
        {
            range(0, n);
            return;
        }
        Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, w =>
        {
            int first = (int)((long)blocks * w / workers) * granularity;
            int last = Math.Min(n, (int)((long)blocks * (w + 1) / workers) * granularity);
            if (first >= last) return;
            t_inside = true;
            try { range(first, last); }
            finally { t_inside = false; }
        });
    }

    /// <summary>
    /// Until the scope is disposed, every split on the calling thread runs on it: for a thread that
    /// is already one of several busy ones (an evaluation beside training, say).
    /// </summary>
    public static InlineScope Inline()
    {
        var scope = new InlineScope(t_inside);
        t_inside = true;
        return scope;
    }

    /// <summary>Restores the calling thread's splitting when disposed.</summary>
    public readonly struct InlineScope(bool wasInside) : IDisposable
    {
        public void Dispose() => t_inside = wasInside;
    }

    /// <summary>True on a thread that runs one part of a split already (or inside an <see cref="Inline"/> scope): work it starts stays on it.</summary>
    internal static bool IsInside
    {
        get => t_inside;
        set => t_inside = value;
    }

    // true on a thread while it runs one of Split's ranges, or inside an Inline scope
    [ThreadStatic]
    private static bool t_inside;
}
