using System.Collections.Concurrent;
using Mnist.LinearAlgebra;

namespace Mnist.Runtime.Tests.LinearAlgebra;

public class ColumnSplitTests
{
    [Fact]
    public void The_ranges_cover_every_column_once_in_multiples_of_the_granularity()
    {
        var ranges = new ConcurrentBag<(int First, int Last)>();
        ColumnSplit.Split(100, 3, 16, (first, last) => ranges.Add((first, last)));

        var sorted = ranges.OrderBy(r => r.First).ToList();
        Assert.Equal(3, sorted.Count);
        Assert.Equal(0, sorted[0].First);
        Assert.Equal(100, sorted[^1].Last);
        for (int i = 1; i < sorted.Count; i++) Assert.Equal(sorted[i - 1].Last, sorted[i].First);
        Assert.All(sorted.SkipLast(1), r => Assert.Equal(0, r.Last % 16));
    }

    [Fact]
    public void A_split_inside_a_split_range_runs_whole_on_that_thread()
    {
        var inner = new ConcurrentBag<(int Outer, int First, int Last, int Thread)>();
        ColumnSplit.Split(2, 2, 1, (first, _) =>
        {
            int thread = Environment.CurrentManagedThreadId;
            ColumnSplit.Split(1000, 2, 1, (f, l) => inner.Add((first, f, l, Environment.CurrentManagedThreadId)));
            Assert.All(inner.Where(i => i.Outer == first), i => Assert.Equal(thread, i.Thread));
        });

        Assert.Equal(2, inner.Count);
        Assert.All(inner, i => Assert.Equal((0, 1000), (i.First, i.Last)));
    }
}
