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
            // packed from a copy of the sources: a build in place would rewrite the Mnist.Runtime.dll that the
            // other test projects' outputs share with src/ (the SDK copies it as a hard link) with this version
            string sources = CopySources(root, Path.Combine(work, "src"));
            Run(sources, "pack", "src/Mnist.Runtime/Mnist.Runtime.csproj", "-c", "Release", "-o", feed, $"-p:Version={version}");
            string package = Assert.Single(Directory.GetFiles(feed, "Mnist.Runtime.*.nupkg"));
            AssertIsAManagedLibrary(package);

            string consumer = Path.Combine(work, "consumer");
            Directory.CreateDirectory(consumer);
            foreach (string file in new[] { "PackageConsumer.csproj", "Program.cs" })
                File.Copy(Path.Combine(root, "tests", "PackageConsumer", file), Path.Combine(consumer, file));

            string output = Run(consumer, "run", "-c", "Release", $"-p:MnistVersion={version}", $"-p:RestoreAdditionalProjectSources={feed}");
            Assert.Matches(@"64-32\(Tanh\)-16\(ReLU\)-4: loss \d\.\d{4} -> \d\.\d{4}", output);
            // the library chose a fast backend by itself, and a step allocates nothing
            Assert.Contains("allocated per step: 0 B", output);
            Assert.Matches(@"3x16x16-conv8k7p3\(ReLU\)-maxpool2-conv16k3s2p1\(Tanh\)-conv8k1\(ReLU\)-avgpool2-flatten-dropout0.25-4: loss \d\.\d{4} -> \d\.\d{4}", output);
            Assert.Contains("convnet allocated per step: 0 B", output);
            Assert.Matches("backend: (simd|mkl|openblas)", output);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    // No native assets and no app concerns: the package depends on managed libraries only.
    private static void AssertIsAManagedLibrary(string package)
    {
        using var zip = System.IO.Compression.ZipFile.OpenRead(package);
        Assert.DoesNotContain(zip.Entries, e => e.FullName.StartsWith("runtimes/", StringComparison.Ordinal));
        Assert.Contains(zip.Entries, e => e.FullName == "analyzers/dotnet/cs/Mnist.Generators.dll");
        var nuspec = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal));
        using var reader = new StreamReader(nuspec.Open());
        var dependencies = System.Xml.Linq.XDocument.Parse(reader.ReadToEnd()).Descendants().Where(d => d.Name.LocalName == "dependency")
            .Select(d => (string)d.Attribute("id")!).ToHashSet(StringComparer.OrdinalIgnoreCase);
        Assert.DoesNotContain(dependencies, d => d.StartsWith("SkiaSharp", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(["MathNet.Numerics", "SixLabors.ImageSharp", "System.IO.Hashing", "System.Numerics.Tensors"], dependencies.Order(StringComparer.Ordinal));
    }

    private static string CopySources(string root, string destination)
    {
        foreach (string file in new[] { "Directory.Build.props", "Directory.Packages.props", "README.md" })
        {
            Directory.CreateDirectory(destination);
            File.Copy(Path.Combine(root, file), Path.Combine(destination, file));
        }
        foreach (string project in new[] { "Mnist.Runtime", "Mnist.Generators" })
        {
            string from = Path.Combine(root, "src", project);
            foreach (string file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
            {
                string relative = Path.GetRelativePath(from, file);
                if (relative.StartsWith("bin" + Path.DirectorySeparatorChar, StringComparison.Ordinal) || relative.StartsWith("obj" + Path.DirectorySeparatorChar, StringComparison.Ordinal)) continue;
                string target = Path.Combine(destination, "src", project, relative);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target);
            }
        }
        return destination;
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
