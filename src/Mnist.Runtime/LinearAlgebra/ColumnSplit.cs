namespace Mnist.LinearAlgebra;

/// <summary>
/// How every backend uses more than one core: a product big enough to pay for it has the columns
/// of C split into contiguous ranges, one per thread, each computed as an independent product.
/// Small products (a training step's) stay on the calling thread and allocate nothing.
/// </summary>
internal static class ColumnSplit
{
    /// <summary>Products with at least this many multiply-adds use more than one thread.</summary>
    public const long ParallelThreshold = 8_000_000;

    /// <summary>Calls <paramref name="range"/>(first, last) over [0, n), in parallel when worth it; ranges are multiples of <paramref name="granularity"/>.</summary>
    public static void Run(int m, int n, int k, int threads, int granularity, Action<int, int> range)
    {
        int blocks = (n + granularity - 1) / granularity;
        int workers = (long)m * n * k >= ParallelThreshold ? Math.Min(threads, blocks) : 1;
        if (workers <= 1)
        {
            range(0, n);
            return;
        }
        Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, w =>
        {
            int first = (int)((long)blocks * w / workers) * granularity;
            int last = Math.Min(n, (int)((long)blocks * (w + 1) / workers) * granularity);
            if (first < last) range(first, last);
        });
    }
}
