using Mnist.Data;
using Mnist.Data.Fetching;

namespace Mnist.Runtime.Tests;

/// <summary>
/// The real MNIST, when it has been fetched (<c>mnist data fetch</c>; CI does it first). Tests that
/// need it skip with that reason on a machine without it.
/// </summary>
public static class RealMnist
{
    public static string Directory { get; } = MnistFetcher.DefaultCacheDirectory();

    public static bool Available { get; } = new MnistFetcher(Directory, []).IsComplete();

    private static readonly Lazy<MnistDataset?> Loaded = new(() => Available ? IdxDataset.Read(Directory!) : null);

    public static MnistDataset Dataset()
    {
        Skip.IfNot(Available, $"the real MNIST is not in {Directory}: run `mnist data fetch` first");
        return Loaded.Value!;
    }
}
