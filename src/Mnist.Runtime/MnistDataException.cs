namespace Mnist;

/// <summary>
/// A file the user gave us is unusable. The message always names the file and the problem,
/// so the app can print it as one line without a stack trace.
/// </summary>
public sealed class MnistDataException : Exception
{
    /// <summary>Creates the error for <paramref name="path"/>.</summary>
    public MnistDataException(string path, string problem, Exception? inner = null)
        : base($"{path}: {problem}", inner)
    {
        FilePath = path;
        Problem = problem;
    }

    /// <summary>The file (or directory, or URL) at fault.</summary>
    public string FilePath { get; }

    /// <summary>What is wrong with it.</summary>
    public string Problem { get; }
}
