using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mnist.App.Serving;

/// <summary>
/// The web side of <c>mnist serve</c>: Kestrel with minimal APIs, one page and a JSON API. It serves only the
/// files embedded in this assembly (a request never names a path on disk), caps bodies at 1 MB and headers at
/// 32 KB, refuses an image declaring 4096×4096 or more from its header, and answers every failure with a JSON
/// error and its status (400, 413, 415), never a stack trace.
/// </summary>
public sealed class DigitServer : IAsyncDisposable
{
    /// <summary>Largest request body.</summary>
    public const long MaxBodyBytes = 1 << 20;

    private static readonly Dictionary<string, (string Resource, string ContentType)> StaticFiles = new(StringComparer.Ordinal)
    {
        ["app.js"] = ("wwwroot/app.js", "text/javascript; charset=utf-8"),
        ["style.css"] = ("wwwroot/style.css", "text/css; charset=utf-8"),
    };

    private readonly WebApplication _app;
    private readonly IReadOnlyList<ServedModel> _models;
    private readonly string? _language;

    private DigitServer(WebApplication app, IReadOnlyList<ServedModel> models, string? language)
    {
        _app = app;
        _models = models;
        _language = language;
    }

    /// <summary>The address it listens on, once started (the port is the real one when 0 was asked for).</summary>
    public string Url => _app.Urls.First();

    /// <summary>A server for <paramref name="models"/> on <paramref name="host"/>:<paramref name="port"/> (0: any free port); <paramref name="language"/> <c>en</c>, <c>zh</c>, or null for the browser's.</summary>
    public static DigitServer Create(IReadOnlyList<ServedModel> models, string host, int port, string? language, Func<bool, string, byte[]?>? grid = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = "mnist", ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = MaxBodyBytes;
            kestrel.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
            kestrel.Limits.MaxRequestLineSize = 8 * 1024;
            kestrel.AddServerHeader = false;
            if (host is "localhost" or "127.0.0.1") kestrel.Listen(IPAddress.Loopback, port);
            else kestrel.Listen(IPAddress.Parse(host), port);
        });
        var app = builder.Build();
        var server = new DigitServer(app, models, language);
        app.MapGet("/", (HttpContext c) => server.Page(c));
        app.MapGet("/static/{name}", (string name) => StaticFiles.TryGetValue(name, out var file)
            ? Results.Bytes(Resource(file.Resource), file.ContentType)
            : Error(404, $"no such file: {name}"));
        app.MapGet("/api/models", () => Results.Json(models.Select(m => new { name = m.Name, kind = m.Kind, architecture = m.Architecture, accuracy = m.Accuracy })));
        app.MapPost("/api/predict", (Func<HttpContext, Task<IResult>>)server.Predict);
        app.MapGet("/api/grid.png", (HttpContext c) =>
            grid?.Invoke(c.Request.Query["errors"] == "1", server.LanguageFor(c)) is { } png ? Results.Bytes(png, "image/png") : Error(404, "no test set to draw a grid from: run `mnist data fetch`"));
        app.MapGet("/api/accuracy.png", () =>
        {
            // the chart of the first model's run, by a path the server made (never one from the request)
            string chart = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(models[0].Path))!, "accuracy.png");
            return File.Exists(chart) ? Results.Bytes(File.ReadAllBytes(chart), "image/png") : Error(404, "this model's run has no accuracy.png");
        });
        app.MapFallback(() => Error(404, "not found"));
        return server;
    }

    /// <summary>Starts listening.</summary>
    public Task StartAsync(CancellationToken cancellation = default) => _app.StartAsync(cancellation);

    /// <summary>Stops and releases the server.</summary>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static IResult Error(int status, string message) => Results.Json(new { error = message }, statusCode: status);

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte[]> Resources = new(StringComparer.Ordinal);

    // an embedded file, read from the assembly once
    private static byte[] Resource(string name) => Resources.GetOrAdd(name, static n =>
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(n) ?? throw new InvalidOperationException($"missing embedded {n}");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    });

    /// <summary>The page's language: the server's <c>--lang</c>, else ?lang=, else the browser's Accept-Language.</summary>
    public string LanguageFor(HttpContext context)
    {
        if (_language is not null) return _language;
        if (context.Request.Query["lang"].ToString() is "zh" or "en") return context.Request.Query["lang"].ToString();
        string accept = context.Request.Headers.AcceptLanguage.ToString();
        return accept.TrimStart().StartsWith("zh", StringComparison.OrdinalIgnoreCase) ? "zh" : "en";
    }

    private IResult Page(HttpContext context)
    {
        string html = System.Text.Encoding.UTF8.GetString(Resource("wwwroot/index.html")).Replace("{{lang}}", LanguageFor(context), StringComparison.Ordinal);
        return Results.Content(html, "text/html; charset=utf-8");
    }

    private async Task<IResult> Predict(HttpContext context)
    {
        var clock = Stopwatch.StartNew();
        byte[] body;
        try
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
            body = buffer.ToArray();
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Error(413, $"the body is over {MaxBodyBytes / 1024 / 1024} MB");
        }
        string type = context.Request.ContentType?.Split(';')[0].Trim().ToLowerInvariant() ?? "";
        byte[] pixels;
        try
        {
            switch (type)
            {
                case "image/png" or "image/jpeg":
                    var (info, _) = Mnist.Imaging.ImageDecoding.ReadHeader("the image", body);
                    if (Mnist.Imaging.ImageDecoding.IsTooLarge(info))
                        return Error(413, $"the image is {info.Width}x{info.Height}; the limit is below 4096x4096");
                    pixels = Mnist.Imaging.DigitImage.FromBytes("the image", body);
                    break;
                case "application/json":
                    pixels = FromJson(body);
                    break;
                default:
                    return Error(415, $"send image/png, image/jpeg or application/json {{\"pixels\": [784 numbers 0-1]}}, not '{type}'");
            }
        }
        catch (MnistDataException e)
        {
            return Error(400, e.Message);
        }
        catch (BadRequest e)
        {
            return Error(400, e.Message);
        }
        string wanted = context.Request.Query["model"].ToString();
        var chosen = _models.FirstOrDefault(m => m.Name == wanted) ?? _models[0];
        var all = _models.Select(m => (Model: m, Probabilities: m.Predict(pixels))).ToList();
        var mine = all.First(a => a.Model == chosen).Probabilities;
        return Results.Json(new
        {
            digit = Array.IndexOf(mine, mine.Max()),
            probabilities = mine,
            top = Top(mine),
            model = chosen.Name,
            ms = Math.Round(clock.Elapsed.TotalMilliseconds, 3),
            pixels = pixels.Select(p => Math.Round(p / 255.0, 3)),
            models = all.Select(a => new { model = a.Model.Name, digit = Array.IndexOf(a.Probabilities, a.Probabilities.Max()), probabilities = a.Probabilities, top = Top(a.Probabilities) }),
        });
    }

    private static object[] Top(float[] p) =>
        p.Select((v, d) => (Digit: d, P: v)).OrderByDescending(t => t.P).Take(3).Select(t => (object)new { digit = t.Digit, probability = t.P }).ToArray();

    private sealed class BadRequest(string message) : Exception(message);

    // {"pixels": [784 numbers in 0..1]} → the bytes mnist predict would have made (value × 255, rounded)
    private static byte[] FromJson(byte[] body)
    {
        JsonDocument document;
        try { document = JsonDocument.Parse(body); }
        catch (JsonException e) { throw new BadRequest($"not JSON: {e.Message.Split('.')[0]}"); }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("pixels", out var array) || array.ValueKind != JsonValueKind.Array)
                throw new BadRequest("expected {\"pixels\": [784 numbers 0-1]}");
            if (array.GetArrayLength() != 784) throw new BadRequest($"pixels holds {array.GetArrayLength()} values; expected 784 (28x28)");
            var pixels = new byte[784];
            int i = 0;
            foreach (var value in array.EnumerateArray())
            {
                if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out double v) || !double.IsFinite(v) || v < 0 || v > 1)
                    throw new BadRequest($"pixels[{i}] is {value.GetRawText()}; every value must be a number from 0 to 1");
                pixels[i++] = (byte)Math.Round(v * 255);
            }
            return pixels;
        }
    }
}
