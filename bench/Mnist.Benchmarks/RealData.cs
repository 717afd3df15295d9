using Mnist.Data;
using Mnist.Data.Fetching;

namespace Mnist.Benchmarks;

/// <summary>The fetched MNIST (run `mnist data fetch` first).</summary>
public static class RealData
{
    private static readonly Lazy<MnistDataset> Loaded = new(() => IdxDataset.Read(MnistFetcher.DefaultCacheDirectory()));

    public static MnistDataset Dataset => Loaded.Value;
}
