using System.Runtime.ExceptionServices;

namespace Mnist.IO;

/// <summary>
/// A parallel loop over independent items (files) whose failure is the same exception a serial
/// loop would throw: the one of the lowest failing index, not an <see cref="AggregateException"/>.
/// </summary>
internal static class ParallelWork
{
    public static void For(int count, Action<int> body)
    {
        var failures = new Exception?[count];
        Parallel.For(0, count, i =>
        {
            try { body(i); }
            catch (Exception e) { failures[i] = e; }
        });
        var first = Array.Find(failures, e => e is not null);
        if (first is not null) ExceptionDispatchInfo.Capture(first).Throw();
    }
}
