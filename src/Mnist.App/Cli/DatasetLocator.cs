using Mnist.Data;
using Mnist.Data.Fetching;

namespace Mnist.App.Cli;

/// <summary>Finds the dataset a command works on: the one the user named, else the fetched MNIST (fetching it if missing).</summary>
public static class DatasetLocator
{
    /// <summary>Fetches MNIST into <paramref name="cacheDirectory"/> (default: <see cref="MnistFetcher.DefaultCacheDirectory"/>) if it is not there yet.</summary>
    /// <param name="context">Where to report progress.</param>
    /// <param name="cacheDirectory">Where the files go.</param>
    /// <param name="from">A source to try first.</param>
    /// <param name="verbose">Report each file's verification even when nothing needs fetching.</param>
    /// <param name="onlyFrom">Try <paramref name="from"/> alone, none of the default sources.</param>
    public static string EnsureFetched(CommandContext context, string? cacheDirectory = null, string? from = null, bool verbose = false, bool onlyFrom = false)
    {
        string directory = cacheDirectory ?? MnistFetcher.DefaultCacheDirectory();
        using var client = HttpSource.CreateClient();
        var fetcher = new MnistFetcher(directory, MnistFetcher.DefaultSources(from, client, onlyFrom)) { Log = context.Progress.WriteLine };
        // Verbose (data fetch): Fetch itself verifies and reports every file, so checking first
        // would hash all 55 MB twice. Otherwise one check decides whether there is anything to do.
        if (!verbose)
        {
            if (fetcher.IsComplete()) return directory;
            context.Progress.WriteLine($"fetching MNIST into {directory}");
        }
        fetcher.Fetch(context.Cancellation);
        return directory;
    }

    /// <summary>Reads <paramref name="source"/>, or the fetched MNIST when it is null.</summary>
    public static MnistDataset Load(CommandContext context, string? source) =>
        DatasetFiles.Read(source ?? EnsureFetched(context));
}
