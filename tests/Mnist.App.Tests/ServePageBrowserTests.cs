using Microsoft.Playwright;
using Mnist.App.Serving;
using Mnist.Data;

namespace Mnist.App.Tests;

/// <summary>
/// The page in headless Chromium (Debian's /usr/bin/chromium driven by Playwright): it loads without console errors,
/// mouse strokes along a real MNIST test digit's ink give that digit on screen, clear empties it, and the Chinese
/// page reads in Chinese. Screenshots of each state go to <c>screenshots/</c> beside the test assembly. Skipped
/// without Chromium or without the real MNIST, with the reason.
/// </summary>
[Trait("Category", "Browser")]
public sealed class ServePageBrowserTests
{
    private const string Chromium = "/usr/bin/chromium";

    [SkippableFact]
    public async Task Drawing_a_test_digit_shows_it_clear_empties_it_and_the_chinese_page_reads_in_chinese()
    {
        Skip.IfNot(File.Exists(Chromium), $"Chromium is not installed ({Chromium}): apt-get install chromium (bash .ci/run does)");
        Skip.IfNot(RealMnistTrainingTests.DefaultRun.Available, $"the real MNIST is not in {RealMnistTrainingTests.DefaultRun.Cache}: run `mnist data fetch` first");
        using var dir = new TempDirectory();
        Assert.Equal(0, CliRun.Of("train", "--steps", "3000", "--eval-every", "0", "--out", dir.File("run")).ExitCode);
        await using var server = DigitServer.Create([ServedModel.Load(dir.File("run/model.npz"))], "127.0.0.1", 0, null);
        await server.StartAsync();
        string shots = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(shots);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium, Headless = true, Args = ["--no-sandbox"] });
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 900, Height = 700 } });
        var errors = new List<string>();
        page.Console += (_, message) => { if (message.Type == "error") errors.Add(message.Text); };
        page.PageError += (_, error) => errors.Add(error);
        await page.GotoAsync(server.Url);
        await page.Locator("[data-testid=empty]").WaitForAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(shots, "1-loaded.png") });

        // test image 0 is a 7: each run of ink along a row becomes one mouse stroke on the canvas
        var test = IdxDataset.Read(RealMnistTrainingTests.DefaultRun.Cache).Test;
        var image = test.Image(0).ToArray();
        int label = test.Labels[0];
        var box = (await page.Locator("#pad").BoundingBoxAsync())!;
        float scale = box.Width / 28f;
        for (int y = 0; y < 28; y++)
            for (int x = 0; x < 28; x++)
            {
                if (image[y * 28 + x] < 128 || (x > 0 && image[y * 28 + x - 1] >= 128)) continue;
                int end = x;
                while (end + 1 < 28 && image[y * 28 + end + 1] >= 128) end++;
                await page.Mouse.MoveAsync(box.X + (x + 0.5f) * scale, box.Y + (y + 0.5f) * scale);
                await page.Mouse.DownAsync();
                await page.Mouse.MoveAsync(box.X + (end + 0.5f) * scale, box.Y + (y + 0.5f) * scale, new() { Steps = 3 });
                await page.Mouse.UpAsync();
            }
        var digit = page.Locator("[data-testid=digit]").First;
        await digit.WaitForAsync();
        await Assertions.Expect(digit).ToHaveTextAsync(label.ToString(System.Globalization.CultureInfo.InvariantCulture), new() { Timeout = 10_000 });
        await page.ScreenshotAsync(new() { Path = Path.Combine(shots, "2-drawn.png") });

        await page.ClickAsync("#clear");
        await page.Locator("[data-testid=empty]").WaitForAsync();
        Assert.Equal(0, await page.Locator("[data-testid=digit]").CountAsync());
        await page.ScreenshotAsync(new() { Path = Path.Combine(shots, "3-cleared.png") });

        // on a phone's screen the drawing area and the answer fit the width
        var phone = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 390, Height = 844 }, HasTouch = true });
        await phone.GotoAsync(server.Url);
        var padBox = (await phone.Locator("#pad").BoundingBoxAsync())!;
        Assert.True(padBox.X >= 0 && padBox.X + padBox.Width <= 390, $"the canvas spans {padBox.X}..{padBox.X + padBox.Width} of 390 px");
        await phone.ScreenshotAsync(new() { Path = Path.Combine(shots, "5-phone.png"), FullPage = true });

        await page.GotoAsync(server.Url + "?lang=zh");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("写一个数字");
        await Assertions.Expect(page.Locator("#clear")).ToHaveTextAsync("清除");
        await page.ScreenshotAsync(new() { Path = Path.Combine(shots, "4-chinese.png") });
        Assert.Empty(errors);
    }
}
