namespace Mnist.IO;

/// <summary>
/// Turns a failed file operation into the one-line error the user reads: the file they named (never
/// our temporary) and what went wrong in their terms (<c>no space left on device</c>).
/// </summary>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
public static class FileErrors
{
    /// <summary>The <see cref="MnistDataException"/> for <paramref name="error"/> while writing or reading <paramref name="path"/>.</summary>
    public static MnistDataException Describe(string path, Exception error) => new(path, Problem(error), error);

    /// <summary>What <paramref name="error"/> means, without the paths the runtime puts in its message.</summary>
    public static string Problem(Exception error)
    {
        if (error is UnauthorizedAccessException) return "permission denied";
        if (error is FileNotFoundException or DirectoryNotFoundException) return "no such file or directory";
        if (error is PathTooLongException) return "the path is too long";
        // On Unix the runtime puts errno in HResult; on Windows the Win32 error in its low word.
        int code = error.HResult;
        int win32 = code & 0xFFFF;
        return code switch
        {
            28 => "no space left on device",
            122 => "disk quota exceeded",
            13 or 1 => "permission denied",
            30 => "read-only file system",
            21 => "is a directory",
            20 => "a part of the path is not a directory",
            2 => "no such file or directory",
            36 => "the file name is too long",
            5 => "input/output error (the disk may be failing)",
            _ when OperatingSystem.IsWindows() && win32 is 112 or 39 => "no space left on device",
            _ => Strip(error.Message),
        };
    }

    // The runtime's messages end with " : 'path'" — a temporary's path, which means nothing to the user.
    private static string Strip(string message)
    {
        int quote = message.IndexOf(" : '", StringComparison.Ordinal);
        string text = quote > 0 ? message[..quote] : message;
        return text.Length > 0 && char.IsUpper(text[0]) && (text.Length == 1 || char.IsLower(text[1])) ? char.ToLowerInvariant(text[0]) + text[1..] : text;
    }
}
