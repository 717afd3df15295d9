using Mnist.LinearAlgebra;

namespace Mnist.Runtime.Tests.LinearAlgebra;

// alone: a test class beside it that splits work holds the helpers, and then Run does this class's work whole on the
// caller (by design: one caller at a time uses the helpers), which its part counts would read as a failure
[Collection(ProviderCollection.Name)]
public class ForkJoinTests
{
    private sealed class Recorder(int parts) : IPartedWork
    {
        public readonly int[] Calls = new int[parts];
        public readonly int[] Threads = new int[parts];
        public readonly bool[] Inside = new bool[parts];
        public int SeenParts;

        public void Run(int part, int parts)
        {
            if (part == 0 && FailInCaller) throw new InvalidOperationException("caller failed");
            if (part == 1 && SlowHelper) Thread.Sleep(50);
            Calls[part]++;
            Threads[part] = Environment.CurrentManagedThreadId;
            Inside[part] = ColumnSplit.IsInside;
            SeenParts = parts;
            if (part == 1 && FailInHelper) throw new InvalidOperationException("helper failed");
        }

        public bool FailInHelper, FailInCaller, SlowHelper;
    }

    [Fact]
    public void Every_part_runs_once_the_first_on_the_caller_the_others_on_helpers_marked_inside()
    {
        for (int round = 0; round < 50; round++)
        {
            var work = new Recorder(3);
            ForkJoin.Run(work, 3);
            Assert.Equal([1, 1, 1], work.Calls);
            Assert.Equal(Environment.CurrentManagedThreadId, work.Threads[0]);
            Assert.Equal(3, work.Threads.Distinct().Count());
            Assert.All(work.Inside, Assert.True);
        }
        Assert.False(ColumnSplit.IsInside);
    }

    [Fact]
    public void Inside_a_split_or_with_one_part_the_work_runs_whole_on_the_caller()
    {
        var one = new Recorder(1);
        ForkJoin.Run(one, 1);
        Assert.Equal(1, one.SeenParts);
        var inline = new Recorder(2);
        using (ColumnSplit.Inline()) ForkJoin.Run(inline, 2);
        Assert.Equal([1, 0], inline.Calls);
        Assert.Equal(1, inline.SeenParts);
    }

    [Fact]
    public void A_helpers_exception_reaches_the_caller_and_the_helpers_keep_working()
    {
        var failing = new Recorder(2) { FailInHelper = true };
        Assert.Throws<InvalidOperationException>(() => ForkJoin.Run(failing, 2));
        var next = new Recorder(2);
        ForkJoin.Run(next, 2);
        Assert.Equal([1, 1], next.Calls);
    }

    [Fact]
    public void A_failing_callers_part_still_waits_for_the_helpers_parts()
    {
        var failing = new Recorder(2) { FailInCaller = true, SlowHelper = true };
        Assert.Throws<InvalidOperationException>(() => ForkJoin.Run(failing, 2));
        Assert.Equal(1, failing.Calls[1]); // done before Run returned, not still running on the helper
        var next = new Recorder(2);
        ForkJoin.Run(next, 2);
        Assert.Equal([1, 1], next.Calls);
    }

    [Fact]
    public void Running_allocates_nothing_after_the_helpers_exist()
    {
        var work = new Recorder(2);
        ForkJoin.Run(work, 2);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++) ForkJoin.Run(work, 2);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Prewoken_helpers_run_every_part_once_whether_the_work_comes_at_once_late_or_never()
    {
        ForkJoin.Run(new Recorder(2), 2); // the helper exists
        var random = new Random(7);
        for (int round = 0; round < 300; round++)
        {
            ForkJoin.Prewake(2);
            // at once, while the helper spins, around the end of its awake time (500 µs), or after it blocked again
            int wait = random.Next(4) switch { 0 => 0, 1 => 50, 2 => 480 + random.Next(40), _ => 700 };
            var until = System.Diagnostics.Stopwatch.GetTimestamp() + wait * System.Diagnostics.Stopwatch.Frequency / 1_000_000;
            while (System.Diagnostics.Stopwatch.GetTimestamp() < until) Thread.SpinWait(10);
            var work = new Recorder(2);
            ForkJoin.Run(work, 2);
            Assert.Equal([1, 1], work.Calls);
            Assert.NotEqual(work.Threads[0], work.Threads[1]);
            if (round % 50 == 0) ForkJoin.Prewake(2); // a prewake that no work follows
        }
    }
}
