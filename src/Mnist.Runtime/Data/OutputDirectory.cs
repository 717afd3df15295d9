namespace Mnist.Data;

/// <summary>The rule for a directory a dataset is written into: new, empty, or a dataset of the same format — never a folder of the user's other files.</summary>
internal static class OutputDirectory
{
    public static void RequireEmptyOr(string directory, Func<string, bool> isDataset, string what)
    {
        if (File.Exists(directory)) throw new MnistDataException(directory, $"is a file; {what} is written into a directory");
        IO.Temporaries.RemoveStale(directory);
        if (!Directory.Exists(directory)) return;
        bool empty;
        try { empty = !Directory.EnumerateFileSystemEntries(directory).Any(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw IO.FileErrors.Describe(directory, e); }
        if (!empty && !isDataset(directory))
            throw new MnistDataException(directory, $"exists and is not {what}: refusing to write into it (choose a new or empty directory)");
    }
}
