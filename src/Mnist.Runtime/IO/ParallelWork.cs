using System.Runtime.ExceptionServices;

namespace Mnist.IO;

/// <summary>
/// A parallel loop over independent items (files) whose failure is the same exception a serial
/// loop would throw: the one of the lowest failing index, not an <see cref="AggregateException"/>.
/// A cancellation stops it between items with <see cref="OperationCanceledException"/>.
/// </summary>
internal static class ParallelWork
{
    public static void For(int count, Action<int> body, CancellationToken cancellation = default)
    {
        var failures = new Exception?[count];
        Parallel.For(0, count, (i, loop) =>
        {
            if (cancellation.IsCancellationRequested)
            {
                loop.Stop();
                return;
            }
            try { body(i); }
            catch (Exception e) { failures[i] = e; }
        });
        cancellation.ThrowIfCancellationRequested();
        var first = Array.Find(failures, e => e is not null);
        if (first is not null) ExceptionDispatchInfo.Capture(first).Throw();
    }
}
