using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Mnist.App.Serving;

namespace Mnist.App.Tests;

/// <summary>`mnist serve`'s API on a real Kestrel on an ephemeral loopback port, with a model trained on the fixture.</summary>
public sealed class ServeApiTests : IClassFixture<ServeApiTests.Server>
{
    public sealed class Server : IAsyncLifetime
    {
        public TempDirectory Directory { get; } = new();
        public string Data => Directory.File("data");
        public string Model => Directory.File("run/model.npz");
        public DigitServer? Instance { get; private set; }
        public HttpClient Client { get; } = new();

        public async Task InitializeAsync()
        {
            var run = CliRun.Of("train", "--data", FixtureData.Write(Data), "--steps", "60", "--eval-every", "0", "--lr", "0.05", "--blas", "simd", "--out", Directory.File("run"));
            Assert.Equal(0, run.ExitCode);
            Instance = DigitServer.Create([ServedModel.Load(Model)], "127.0.0.1", 0, null);
            await Instance.StartAsync();
            Client.BaseAddress = new Uri(Instance.Url);
        }

        public async Task DisposeAsync()
        {
            if (Instance is not null) await Instance.DisposeAsync();
            Client.Dispose();
            Directory.Dispose();
        }
    }

    private readonly Server _server;

    public ServeApiTests(Server server) => _server = server;

    private Task<HttpResponseMessage> Post(byte[] body, string type) =>
        _server.Client.PostAsync("/api/predict", new ByteArrayContent(body) { Headers = { ContentType = MediaTypeHeaderValue.Parse(type) } });

    private async Task StillServes()
    {
        var models = await _server.Client.GetAsync("/api/models");
        Assert.Equal(HttpStatusCode.OK, models.StatusCode);
    }

    [Fact]
    public async Task A_test_digit_as_png_gives_what_mnist_predict_gives()
    {
        // a real MNIST test digit redrawn as PNG when MNIST is here (the answer is compared, not judged), else a fixture digit
        string png = _server.Directory.File("digit.png");
        File.WriteAllBytes(png, RealMnistTrainingTests.DefaultRun.Available
            ? Mnist.Imaging.GrayPng.Encode(Mnist.Data.IdxDataset.Read(RealMnistTrainingTests.DefaultRun.Cache).Test.Image(3), 28, 28)
            : FixtureData.TestDigitPng(_server.Data, 3));
        var response = await Post(File.ReadAllBytes(png), "image/png");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var served = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var cli = JsonDocument.Parse(CliRun.Of("predict", "--model", _server.Model, png, "--json", "--blas", "simd").Out).RootElement[0];
        Assert.Equal(cli.GetProperty("digit").GetInt32(), served.RootElement.GetProperty("digit").GetInt32());
        var probabilities = served.RootElement.GetProperty("probabilities").EnumerateArray().Select(p => p.GetDouble()).ToArray();
        Assert.Equal(10, probabilities.Length);
        foreach (var top in cli.GetProperty("top3").EnumerateArray())
            Assert.True(Math.Abs(top.GetProperty("probability").GetDouble() - probabilities[top.GetProperty("digit").GetInt32()]) <= 1e-6);
        Assert.Equal(3, served.RootElement.GetProperty("top").GetArrayLength());
        Assert.Equal(784, served.RootElement.GetProperty("pixels").GetArrayLength());
        Assert.Equal("run/model.npz", served.RootElement.GetProperty("model").GetString());
        Assert.True(served.RootElement.GetProperty("ms").GetDouble() >= 0);

        // the same image as JSON pixels gives the same answer
        var pixels = Mnist.Imaging.DigitImage.FromFile(png).Select(b => b / 255.0).ToArray();
        var json = await Post(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { pixels })), "application/json");
        using var fromJson = JsonDocument.Parse(await json.Content.ReadAsStringAsync());
        Assert.Equal(served.RootElement.GetProperty("digit").GetInt32(), fromJson.RootElement.GetProperty("digit").GetInt32());
    }

    public static TheoryData<string, string, int> BadInputs => new()
    {
        { "image/png", "not an image at all", 400 },
        { "application/json", "{\"pixels\": [0.5, 0.5]}", 400 },
        { "application/json", "{\"pixels\": [" + string.Join(",", Enumerable.Repeat("0.5", 783)) + ", \"NaN\"]}", 400 },
        { "application/json", "{\"pixels\": [" + string.Join(",", Enumerable.Repeat("0.5", 783)) + ", 1e400]}", 400 },
        { "application/json", "[1, 2, 3] junk", 400 },
        { "text/plain", "7", 415 },
        { "application/octet-stream", "7", 415 },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task Bad_input_is_a_json_error_with_its_status_and_the_server_keeps_serving(string type, string body, int status)
    {
        var response = await Post(Encoding.UTF8.GetBytes(body), type);
        Assert.Equal(status, (int)response.StatusCode);
        using var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.False(string.IsNullOrWhiteSpace(error.RootElement.GetProperty("error").GetString()));
        Assert.DoesNotContain("   at ", error.RootElement.GetProperty("error").GetString());
        await StillServes();
    }

    [Fact]
    public async Task An_image_declaring_4096_by_4096_or_more_is_refused_from_its_header()
    {
        // a PNG header claiming 5000 x 5000 with a few bytes of data: refused before any decoding
        var png = Mnist.Imaging.GrayPng.Encode(new byte[16], 4, 4);
        png[16] = 0; png[17] = 0; png[18] = 0x13; png[19] = 0x88; // width 5000
        png[20] = 0; png[21] = 0; png[22] = 0x13; png[23] = 0x88; // height 5000
        var crc = System.IO.Hashing.Crc32.HashToUInt32(png.AsSpan(12, 17));
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(29), crc);
        var response = await Post(png, "image/png");
        Assert.Equal(413, (int)response.StatusCode);
        await StillServes();
    }

    [Fact]
    public async Task A_body_over_1_mb_is_413_and_a_50_mb_one_is_refused_without_being_read_whole()
    {
        // Expect: 100-continue, so that the client waits for the answer before the body: a server that answers 413 and
        // closes while a plain client still writes its megabyte made the write fail with a broken pipe (a CI run)
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/predict")
        {
            Content = new ByteArrayContent(new byte[(1 << 20) + 1]) { Headers = { ContentType = MediaTypeHeaderValue.Parse("image/png") } },
        };
        request.Headers.ExpectContinue = true;
        var big = await _server.Client.SendAsync(request);
        Assert.Equal(413, (int)big.StatusCode);
        var counting = new CountingContent(50L << 20);
        HttpResponseMessage? response = null;
        try { response = await _server.Client.PostAsync("/api/predict", counting); }
        catch (HttpRequestException) { } // the server may close the connection while the client still sends
        if (response is not null) Assert.Equal(413, (int)response.StatusCode);
        Assert.True(counting.Written < 50L << 20, $"the client sent all {counting.Written:N0} bytes");
        await StillServes();
    }

    [Fact]
    public async Task Only_embedded_files_are_served()
    {
        Assert.Equal(HttpStatusCode.OK, (await _server.Client.GetAsync("/")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _server.Client.GetAsync("/static/app.js")).StatusCode);
        foreach (string path in new[] { "/static/..%2F..%2Fetc%2Fpasswd", "/static/index.html", "/etc/passwd", "/static/%2e%2e/Mnist.App.csproj" })
            Assert.Equal(HttpStatusCode.NotFound, (await _server.Client.GetAsync(path)).StatusCode);
        var models = JsonDocument.Parse(await _server.Client.GetStringAsync("/api/models")).RootElement;
        Assert.Equal("mlp", models[0].GetProperty("kind").GetString());
        Assert.Equal("784-128(ReLU)-10", models[0].GetProperty("architecture").GetString());
    }

    // a body of the given length, written in 64 KB pieces, counting what the server let through
    private sealed class CountingContent(long length) : HttpContent
    {
        public long Written;

        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            var chunk = new byte[64 * 1024];
            while (Written < length)
            {
                await stream.WriteAsync(chunk);
                Written += chunk.Length;
            }
        }

        protected override bool TryComputeLength(out long size)
        {
            size = length;
            Headers.ContentType = new MediaTypeHeaderValue("image/png");
            return true;
        }
    }
}
