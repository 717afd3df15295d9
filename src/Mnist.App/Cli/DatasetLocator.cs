using Mnist.Data;
using Mnist.Data.Fetching;

namespace Mnist.App.Cli;

/// <summary>Finds the dataset a command works on: the one the user named, else the fetched MNIST (fetching it if missing).</summary>
public static class DatasetLocator
{
    /// <summary>Fetches MNIST into <paramref name="cacheDirectory"/> (default: <see cref="MnistFetcher.DefaultCacheDirectory"/>) if it is not there yet.</summary>
    public static string EnsureFetched(CommandContext context, string? cacheDirectory = null, string? from = null)
    {
        string directory = cacheDirectory ?? MnistFetcher.DefaultCacheDirectory();
        using var client = HttpSource.CreateClient();
        var fetcher = new MnistFetcher(directory, MnistFetcher.DefaultSources(from, client)) { Log = context.Error.WriteLine };
        if (!fetcher.IsComplete()) context.Error.WriteLine($"fetching MNIST into {directory}");
        fetcher.Fetch(context.Cancellation);
        return directory;
    }

    /// <summary>Reads <paramref name="source"/>, or the fetched MNIST when it is null.</summary>
    public static MnistDataset Load(CommandContext context, string? source) =>
        DatasetFiles.Read(source ?? EnsureFetched(context));
}
