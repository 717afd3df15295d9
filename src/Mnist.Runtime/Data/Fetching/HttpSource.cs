using System.Net;

namespace Mnist.Data.Fetching;

/// <summary>An HTTP(S) base URL serving <c>NAME.gz</c> (the canonical mirrors) or the raw <c>NAME</c>.</summary>
/// <param name="baseUrl">Where the files are.</param>
/// <param name="client">The client to use (see <see cref="CreateClient"/>).</param>
/// <param name="canonical">True for the official mirrors: their <c>.gz</c> files must also match the published MD5.</param>
public sealed class HttpSource(string baseUrl, HttpClient client, bool canonical = false) : IMnistSource
{
    private readonly string _base = baseUrl.EndsWith('/') ? baseUrl : baseUrl + "/";

    /// <summary>Largest body we accept: the biggest file is 47 MB raw.</summary>
    public const long MaxBodyBytes = 64L << 20;

    /// <inheritdoc />
    public string Name => _base;

    /// <summary>True when downloads must be byte-identical to the canonical <c>.gz</c> files.</summary>
    public bool Canonical => canonical;

    /// <summary>A client with short connect timeouts, suitable for the sources.</summary>
    public static HttpClient CreateClient() => new(new SocketsHttpHandler
    {
        ConnectTimeout = TimeSpan.FromSeconds(10),
        AutomaticDecompression = DecompressionMethods.None,
    })
    { Timeout = TimeSpan.FromMinutes(5) };

    /// <inheritdoc />
    public byte[] Get(MnistFile file, CancellationToken cancellation)
    {
        string gzUrl = _base + file.Name + ".gz";
        var (status, body) = Download(gzUrl, cancellation);
        if (status == HttpStatusCode.NotFound)
        {
            (status, body) = Download(_base + file.Name, cancellation);
        }
        if (status != HttpStatusCode.OK) throw new MnistSourceException($"HTTP {(int)status} {status} for {gzUrl}");
        return body!;
    }

    private (HttpStatusCode Status, byte[]? Body) Download(string url, CancellationToken cancellation)
    {
        try
        {
            using var response = client.Send(new HttpRequestMessage(HttpMethod.Get, url), HttpCompletionOption.ResponseHeadersRead, cancellation);
            if (response.StatusCode != HttpStatusCode.OK) return (response.StatusCode, null);
            if (response.Content.Headers.ContentLength > MaxBodyBytes) throw new MnistSourceException($"{url} is larger than {MaxBodyBytes} bytes");
            using var stream = response.Content.ReadAsStream(cancellation);
            using var buffer = new MemoryStream();
            var chunk = new byte[1 << 16];
            int read;
            while ((read = stream.Read(chunk)) > 0)
            {
                buffer.Write(chunk, 0, read);
                if (buffer.Length > MaxBodyBytes) throw new MnistSourceException($"{url} is larger than {MaxBodyBytes} bytes");
            }
            return (HttpStatusCode.OK, buffer.ToArray());
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException && !cancellation.IsCancellationRequested)
        {
            throw new MnistSourceException(e.InnerException?.Message ?? e.Message, e);
        }
    }
}
