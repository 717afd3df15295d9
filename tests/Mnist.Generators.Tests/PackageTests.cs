using System.Diagnostics;
using System.Globalization;

namespace Mnist.Generators.Tests;

/// <summary>
/// `dotnet pack` of Mnist.Runtime, then a consumer project outside the solution (tests/PackageConsumer)
/// with a single PackageReference declares its own architecture, builds, trains and sees its loss fall.
/// </summary>
[Trait("Category", "Package")]
public class PackageTests
{
    [Fact]
    public void Packed_runtime_generates_and_trains_a_consumers_own_network()
    {
        string root = RepositoryRoot();
        string work = Directory.CreateTempSubdirectory("mnist-package-").FullName;
        try
        {
            // a fresh version each run, so NuGet's global cache never serves an older build
            string version = "0.0.0-test." + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff", CultureInfo.InvariantCulture);
            string feed = Path.Combine(work, "feed");
            Run(root, "pack", "src/Mnist.Runtime/Mnist.Runtime.csproj", "-c", "Release", "-o", feed, $"-p:Version={version}");
            Assert.Single(Directory.GetFiles(feed, "Mnist.Runtime.*.nupkg"));

            string consumer = Path.Combine(work, "consumer");
            Directory.CreateDirectory(consumer);
            foreach (string file in new[] { "PackageConsumer.csproj", "Program.cs" })
                File.Copy(Path.Combine(root, "tests", "PackageConsumer", file), Path.Combine(consumer, file));

            string output = Run(consumer, "run", "-c", "Release", $"-p:MnistVersion={version}", $"-p:RestoreAdditionalProjectSources={feed}");
            Assert.Matches(@"64-32\(Tanh\)-16\(ReLU\)-4: loss \d\.\d{4} -> \d\.\d{4}", output);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static string Run(string directory, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(5)), $"dotnet {string.Join(' ', args)} timed out");
        Assert.True(process.ExitCode == 0, $"dotnet {string.Join(' ', args)} exited {process.ExitCode}\n{output}\n{error.Result}");
        return output;
    }

    private static string RepositoryRoot([System.Runtime.CompilerServices.CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", ".."));
}
